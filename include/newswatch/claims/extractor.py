"""`ClaimExtractor`: an article's statements and claims, with speakers carried across pronouns and
quotations, and the units a known article is compared by."""

from __future__ import annotations

from collections.abc import Iterable

import regex

from newswatch.claims.concepts import ConceptIndex
from newswatch.claims.cues import _BOILERPLATE, _CUE_RE, _find_cue, _is_heading
from newswatch.claims.folding import _NOT_LETTER_AFTER, _NOT_LETTER_BEFORE, _fold, _fold_with_map, _words
from newswatch.claims.records import Claim, make_claim
from newswatch.claims.sentences import _QUOTES_CLOSE, _QUOTES_OPEN, _paragraph_sentences, paragraphs
from newswatch.claims.similarity import claim_is_new, claim_similarity, nearest_known
from newswatch.claims.speakers import _english_speaker, _hindi_speaker, _titled_person
from newswatch.config import ClaimSettings, Topic


def _language_of(sentence: str, default: str | None) -> str:
    letters = regex.findall(r"\p{L}", sentence)
    if not letters:
        return default or "und"
    deva = sum(1 for ch in letters if "\u0900" <= ch <= "\u097f")
    if deva / len(letters) >= 0.3:
        return "hi"
    if default and default != "hi":
        return default
    return "en" if deva / len(letters) < 0.05 else (default or "hi")


def _quote_state(sentence: str, open_quote: bool) -> bool:
    """Whether a quotation is still open after the sentence."""
    for i, ch in enumerate(sentence):
        if ch not in _QUOTES_OPEN and ch not in _QUOTES_CLOSE:
            continue
        before = sentence[i - 1] if i else " "
        after = sentence[i + 1] if i + 1 < len(sentence) else " "
        if regex.match(r"[\p{L}\p{M}\p{N}]", before) and regex.match(r"[\p{L}\p{M}\p{N}]", after):
            continue  # Russia's
        if not open_quote and ch in _QUOTES_OPEN and (before.isspace() or before in ",:;(-—–") \
                and not after.isspace():
            open_quote = True
        elif open_quote and ch in _QUOTES_CLOSE and not before.isspace():
            open_quote = False
    return open_quote


_TEASER_END = regex.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|…)\s*$")
ACTOR_CONCEPTS = frozenset({"usa", "russia", "north_korea", "south_korea", "china", "japan", "west"})


class ClaimExtractor:
    """Claims of articles for one topic (its gazetteer and concept lexicon give the fingerprint
    and the actors a Hindi subject may name)."""

    def __init__(self, topic: Topic | None = None) -> None:
        self.topic = topic
        self.settings = topic.claims if topic is not None else ClaimSettings()
        self.concepts = ConceptIndex(topic)
        self._weights = {c.id: c.weight for c in topic.concepts} if topic is not None else {}
        aliases: list[str] = []
        if topic is not None:
            entries = [*topic.gazetteer.people, *topic.gazetteer.organisations,
                       *(c for c in topic.concepts if c.id in ACTOR_CONCEPTS)]
            aliases = [alias for entry in entries for alias in entry.hi]
        self._actor_re = (regex.compile(_NOT_LETTER_BEFORE + f"(?:{_words(*aliases)})"
                                        + rf"(?:\s+(?:और|व)\s+(?:{_words(*aliases)}))*" + _NOT_LETTER_AFTER)
                          if aliases else None)

    @property
    def weights(self) -> dict[str, float]:
        """Concept id → weight from the topic's lexicon (for `claim_similarity`)."""
        return self._weights

    def similarity(self, a: Claim, b: Claim) -> float:
        return claim_similarity(a, b, self.settings, self._weights)

    def nearest_known(self, candidate: Claim, known: Iterable[Claim]) -> tuple[Claim | None, float]:
        """The known claim most like the candidate and that similarity, with the topic's settings."""
        return nearest_known(candidate, known, self.settings, self._weights)

    def is_new(self, candidate: Claim, known: Iterable[Claim]) -> tuple[bool, Claim | None, float]:
        """(new?, nearest known claim, its similarity) for a candidate against known claims."""
        nearest, score = self.nearest_known(candidate, known)
        return claim_is_new(score, self.settings), nearest, score

    def _actors(self, folded: str) -> list[tuple[int, int]]:
        if self._actor_re is None:
            return []
        return [(m.start(), m.end()) for m in self._actor_re.finditer(folded)]

    def claim(self, sentence: str, language: str, **kwargs: object) -> Claim:
        """A record for one sentence (e.g. to rebuild a stored claim's features from its row)."""
        return make_claim(sentence, language, self.concepts, **kwargs)  # type: ignore[arg-type]

    def statements(self, text: str, language: str | None = None) -> list[Claim]:
        """Every content sentence of the text, claims (cue set) and plain statements (cue None).
        Headings, teasers, read-more links and what follows them, and navigation are left out."""
        out: list[Claim] = []
        index = 0
        last_speaker: str | None = None  # for pronouns: उन्होंने कहा, they said
        after_read_more = False
        for p_index, paragraph in enumerate(paragraphs(text)):
            sentences = _paragraph_sentences(paragraph)
            heading = _is_heading(paragraph, sentences)
            if _BOILERPLATE.match(_fold(paragraph)):
                after_read_more = True
            if after_read_more and (heading or _BOILERPLATE.match(_fold(paragraph))
                                    or paragraph[-1:] not in "।॥|.?!\"”’'"):
                index += len(sentences)
                continue  # the read-more list: headlines of other articles
            after_read_more = False
            if heading or _TEASER_END.search(paragraph):
                index += len(sentences)
                continue
            quote_open = False
            quote_claim: Claim | None = None
            for sentence in sentences:
                lang = _language_of(sentence, language)
                cue_lang = lang if lang in _CUE_RE else "en"
                folded, where = _fold_with_map(sentence)
                found = _find_cue(folded, cue_lang)
                speaker: str | None = None
                cue: str | None = None
                if found:
                    cue, cue_span = found
                    extract = _hindi_speaker if cue_lang == "hi" else _english_speaker
                    speaker, pronoun = extract(sentence, folded, where, cue, cue_span, self._actors)
                    if pronoun:
                        speaker = last_speaker
                    if speaker:
                        last_speaker = speaker
                elif quote_open and quote_claim is not None:
                    # Inside a quotation a claim opened: the same speaker goes on talking.
                    cue, speaker = "quote", quote_claim.speaker
                elif cue_lang == "hi":
                    last_speaker = _titled_person(sentence, folded, where) or last_speaker
                record = make_claim(sentence, lang, self.concepts, speaker=speaker, cue=cue,
                                    paragraph=p_index, index=index)
                out.append(record)
                index += 1
                was_open = quote_open
                quote_open = _quote_state(sentence, quote_open)
                if quote_open and not was_open:
                    quote_claim = record if record.is_claim else None
                elif not quote_open:
                    quote_claim = None
        return out

    def known_units(self, text: str, language: str | None = None) -> list[Claim]:
        """What a known article (a seed, an earlier article) says, as units to compare new claims
        with: every statement (claims and the rest), and every two adjacent sentences of a
        paragraph joined (cue "window"), since a restatement often folds two sentences into one."""
        statements = self.statements(text, language)
        units = list(statements)
        for first, second in zip(statements, statements[1:]):
            if first.paragraph == second.paragraph and second.index == first.index + 1:
                units.append(self.claim(f"{first.sentence} {second.sentence}", first.language,
                                        speaker=first.speaker or second.speaker, cue="window",
                                        paragraph=first.paragraph, index=first.index))
        return units

    def extract(self, text: str, language: str | None = None) -> list[Claim]:
        """The claims of the text, in order; a repeated sentence (same normalised hash) once."""
        seen: set[str] = set()
        claims = []
        for record in self.statements(text, language):
            if record.is_claim and record.normalized_hash not in seen:
                seen.add(record.normalized_hash)
                claims.append(record)
        return claims


_EXTRACTORS: dict[int, tuple[Topic | None, ClaimExtractor]] = {}


def extract_claims(text: str, language: str | None = None, topic: Topic | None = None) -> list[Claim]:
    """The claims of a text. Pass the topic for concept fingerprints (cross-language novelty)
    and actor names; without it the records carry numbers and months only."""
    cached = _EXTRACTORS.get(id(topic))
    if cached is None or cached[0] is not topic:
        if len(_EXTRACTORS) > 16:
            _EXTRACTORS.clear()
        cached = _EXTRACTORS[id(topic)] = (topic, ClaimExtractor(topic))
    return cached[1].extract(text, language)
