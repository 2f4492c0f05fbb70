"""The claim scorer and judging on our own written pairs (tests/fixtures/claims/pairs.yaml), with
the bundled multilingual model: each category in Hindi and in English, names across scripts,
and the scorer's probabilities ordered as they must be."""

import pytest
import yaml
from conftest import ROOT
from newswatch.claims import ClaimExtractor, scoring
from newswatch.claims.judging import judge
from newswatch.claims.matching import Known
from newswatch.claims.representation import content_text, embedder_for
from newswatch.claims.romanise import skeleton
from newswatch.claims.verification import facts
from newswatch.config import load_topic
from newswatch.text.normalize import tokens

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
BACKGROUND = scoring.background_of(TOPIC)  # the topic's own names, as the pipeline gives them
PAIRS = {p["id"]: p for p in yaml.safe_load((ROOT / "tests" / "fixtures" / "claims" / "pairs.yaml").read_text(
    encoding="utf-8"))["pairs"]}
# per category one English and one Hindi pair (and the Hindi–English ones where they hold)
CASES = {"restates": ["r1", "r2", "t1", "t2"], "confirms": ["c1", "c2"], "update": ["n1", "n2", "m1", "m5", "n6"],
         "contradicts": ["d2", "d3", "a1", "a3"], "new": ["x1", "x6", "x3", "x4"]}


@pytest.fixture(scope="module")
def extractor():
    return ClaimExtractor(TOPIC)


def _sides(pair, extractor):
    def side(text, lang):
        found = extractor.statements(text, lang)
        return scoring.Side(text, lang, found[0].speaker if found else None, facts(text, lang))
    a, b = side(pair["a"], pair["la"]), side(pair["b"], pair["lb"])
    embedder = embedder_for(TOPIC.claims.embedder)
    va, vb = embedder.embed([content_text(a.sentence, a.speaker), content_text(b.sentence, b.speaker)])
    return a, b, float(va @ vb)


@pytest.mark.parametrize("case", [(c, i) for c, ids in CASES.items() for i in ids], ids=lambda c: c[1])
def test_each_category_in_hindi_and_english(case, extractor):
    category, pair_id = case
    pair = PAIRS[pair_id]
    assert pair["category"] == category
    a, b, cosine = _sides(pair, extractor)
    known = Known(a.sentence, a.speaker, a.language, None, article_id=1)
    claim = extractor.claim(b.sentence, b.language, speaker=b.speaker, cue="test")
    candidates = [(cosine, known)] if cosine >= TOPIC.claims.candidate_floor else []
    verdict = judge(claim, candidates, TOPIC.claims, background=BACKGROUND)
    assert verdict.category == category, (cosine, verdict.similarity, verdict.same, verdict.change.describe())
    if category in ("restates", "confirms"):
        assert verdict.same >= TOPIC.claims.same_threshold
    elif category in ("update", "contradicts"):
        assert verdict.similarity >= TOPIC.claims.new_threshold > verdict.same and verdict.change.conflicts


def test_a_changed_fact_lowers_p_same_and_leaves_the_match(extractor):
    """The restatement and its changed-number edit are both about the same thing; only the
    restatement says the same."""
    a, b, cosine = _sides(PAIRS["n1"], extractor)
    changed = scoring.score(cosine, a, b, background=BACKGROUND)
    same = scoring.score(1.0, a, a, background=BACKGROUND)
    assert changed.match >= TOPIC.claims.new_threshold and same.match >= TOPIC.claims.new_threshold
    assert same.same > 0.8 > 0.1 > changed.same


@pytest.mark.parametrize("latin, devanagari", [("Putin", "पुतिन"), ("Pyongyang", "प्योंगयांग"), ("Kremlin", "क्रेमलिन"),
                                               ("Zelensky", "ज़ेलेंस्की"), ("Trump", "ट्रंप"), ("missile", "मिसाइल")])
def test_names_meet_across_scripts(latin, devanagari):
    assert skeleton(tokens(latin)[0]) == skeleton(tokens(devanagari)[0])


def test_speakers_across_scripts_are_one_source_by_their_names():
    assert scoring.same_source("व्लादिमीर पुतिन", "Vladimir Putin") is True
    assert scoring.same_source("राष्ट्रपति पुतिन", "President Putin") is True
    assert scoring.same_source("गृह मंत्रालय", "the home ministry") is None  # a translated title: unknown
    assert scoring.same_source("Sergei Lavrov", "Dmitry Peskov") is False


def test_names_met_count_towards_a_cross_language_match():
    hi = scoring.Side("पुतिन ने कहा कि किम जोंग उन प्योंगयांग लौटेंगे।", "hi", None, facts("x", "hi"))
    en = scoring.Side("Putin said Kim Jong Un will return to Pyongyang.", "en", None, facts("x", "en"))
    other = scoring.Side("Biden said Xi will return to Beijing.", "en", None, facts("x", "en"))
    assert scoring.names_met(hi, en) > 0.6 and scoring.names_met(hi, other) == 0.0


def test_the_topics_own_names_are_no_evidence_of_a_match():
    """Every claim of a Russia–North Korea topic names Kim, Putin or Pyongyang: with the topic's
    background they neither meet across scripts nor count as shared words; another name does."""
    hi = scoring.Side("पुतिन ने कहा कि किम जोंग उन प्योंगयांग लौटेंगे।", "hi", None, facts("x", "hi"))
    en = scoring.Side("Putin said Kim Jong Un will return to Pyongyang.", "en", None, facts("x", "en"))
    assert "पुतिन" in BACKGROUND and "putin" in BACKGROUND and "korea" in BACKGROUND
    assert scoring.names_met(hi, en, BACKGROUND) == 0.0
    assert scoring.word_overlap(hi, en, {}, 1.0, BACKGROUND)[0] == 0.0
    lavrov_hi = scoring.Side("किम जोंग उन प्योंगयांग लौटेंगे, लावरोव ने कहा।", "hi", None, facts("x", "hi"))
    lavrov_en = scoring.Side("Kim Jong Un will return to Pyongyang, Lavrov said.", "en", None, facts("x", "en"))
    assert scoring.names_met(lavrov_hi, lavrov_en, BACKGROUND) == 1.0
    english = scoring.Side("Russia and North Korea signed a new treaty on drones.", "en", None, facts("x", "en"))
    other = scoring.Side("Russia and North Korea discussed artillery shells.", "en", None, facts("x", "en"))
    assert scoring.word_overlap(english, other, {}, 1.0)[0] > 0.3  # without the background: Russia, Korea shared
    assert scoring.word_overlap(english, other, {}, 1.0, BACKGROUND)[0] == 0.0


def test_the_background_weight_counts_the_topics_names_partly():
    """The shipped weight is the one bench/claims_fit.py chose on the tune split; any weight
    between leaving the names out (0) and counting them like any word (1) gives a containment
    between the two, and a weight of 1 is no background at all."""
    assert BACKGROUND.weight == scoring.shipped_weights().background
    english = scoring.Side("Russia and North Korea signed a new treaty on drones.", "en", None, facts("x", "en"))
    other = scoring.Side("Russia and North Korea signed a deal on artillery shells.", "en", None, facts("x", "en"))
    out, half, full = (scoring.word_overlap(english, other, {}, 1.0, scoring.background_of(TOPIC, w))[0]
                       for w in (0.0, 0.5, 1.0))
    assert out < half < full == scoring.word_overlap(english, other, {}, 1.0)[0]
    hi = scoring.Side("पुतिन ने कहा कि किम जोंग उन प्योंगयांग लौटेंगे।", "hi", None, facts("x", "hi"))
    en = scoring.Side("Putin told Kim Jong Un that Shoigu will visit Pyongyang.", "en", None, facts("x", "en"))
    met = [scoring.names_met(hi, en, scoring.background_of(TOPIC, w)) for w in (0.0, 0.5, 1.0)]
    assert met[0] == 0.0 < met[1] < met[2] < 1.0  # Shoigu is not met


def test_the_rarest_word_only_one_side_says_marks_another_claim_in_the_same_frame():
    """"Three soldiers were wounded" / "three bridges were destroyed": each side's rarest word is
    its own; a restatement's rarest words are shared."""
    def side(text):
        return scoring.Side(text, "en", None, facts(text, "en"))
    idf = {w: 1.0 for w in scoring.content_words("three were in the border village attack", "en")}
    soldiers, bridges = side("Three soldiers were wounded in the attack."), side("Three bridges were destroyed in the attack.")
    again = side("In the attack three soldiers were wounded, the army said.")
    assert scoring.rarest_unmatched(soldiers, bridges, idf, 4.0) > 0.5
    assert scoring.rarest_unmatched(soldiers, again, idf, 4.0) == 0.0


@pytest.mark.parametrize("pair_id", ["n1", "n2", "d2", "d3"])
def test_a_changed_number_or_a_denial_on_a_tight_match_never_restates(pair_id, extractor):
    """Whatever P(agree) the weights give a changed number or a denial word, a tight match
    carrying one is no restatement: not even with a same_threshold low enough to let it pass."""
    a, b, cosine = _sides(PAIRS[pair_id], extractor)
    known = Known(a.sentence, a.speaker, a.language, None, article_id=1)
    claim = extractor.claim(b.sentence, b.language, speaker=b.speaker, cue="test")
    lenient = TOPIC.claims.model_copy(update={"same_threshold": 0.0})
    verdict = judge(claim, [(cosine, known)], lenient, background=BACKGROUND)
    assert verdict.change.numbers or verdict.change.denial
    assert verdict.category == PAIRS[pair_id]["category"], (verdict.similarity, verdict.same)
