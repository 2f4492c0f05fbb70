"""`ClaimExtractor`: an article's statements and claims, with speakers resolved across pronouns,
short references and quotations, and the units a known article is compared by.

A quotation is attributed to the claim that opens or closes it (`X said: "…"`, `"…," X said`,
`<नाम> कहती हैं, "…"`), to a bare attribution right after it (`"…" he said.`) or before it on a
line ending in a colon, or, when it follows such a quotation with nothing else in between, to the
same speaker (a quote going on over sentences and paragraphs). Every sentence inside an
attributed quotation is that speaker's claim."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import regex

from newswatch.claims.concepts import ConceptIndex
from newswatch.claims.cues import BOILERPLATE, CueMatch, cue_language, cue_matches, is_heading, pick_cue
from newswatch.claims.folding import NOT_LETTER_AFTER, NOT_LETTER_BEFORE, fold, fold_with_map, phrase_alternation
from newswatch.claims.lexicon import lexicon
from newswatch.claims.mentions import subject_mention, titled_mention
from newswatch.claims.quotes import Quotation, inside, overlapping, quotations
from newswatch.claims.records import Claim, make_claim
from newswatch.claims.resolution import SpeakerHistory
from newswatch.claims.sentences import SentenceSpan, Splitter, paragraph_spans, sentence_spans
from newswatch.claims.similarity import claim_is_new, claim_similarity, nearest_known
from newswatch.claims.speakers import NOBODY, Found
from newswatch.claims.speakers_en import english_speaker
from newswatch.claims.speakers_hi import hindi_speaker
from newswatch.config import ClaimSettings, Topic
from newswatch.text.language import devanagari_share


def _language_of(sentence: str, default: str | None) -> str:
    """A sentence's language by text.language's script share (base letters only; thresholds
    0.3 and 0.05 tuned on the claims set, in-sample), else the article's."""
    share = devanagari_share(sentence, marks=False)
    if share is None:
        return default or "und"
    if share >= 0.3:
        return "hi"
    if default and default != "hi":
        return default
    return "en" if share < 0.05 else (default or "hi")


_TEASER_END = regex.compile(r"(?:\[\s*(?:…|\.\.\.)\s*\]|…)\s*$")
_CLOSING = "।॥|.?!\"”’'"
_QUESTION = regex.compile(r"\?[\s\"”’')\]»]*$")
ACTOR_CONCEPTS = frozenset({"usa", "russia", "north_korea", "south_korea", "china", "japan", "west"})
# Where a sentence holding two speakers' claims is cut in two.
_TWO_SPEAKERS = regex.compile(r"\s*(?:,\s*(?:वहीं|जबकि|लेकिन|मगर|और|while|whereas|but|and)(?![\p{L}\p{M}])\s*|;\s*"
                              r"|\s+(?:while|whereas)\s+)")
_PART_BREAK = regex.compile(r"\s*;\s*")  # the labelled span of a claim stops at a semicolon's part
_CLAUSE_BREAK = regex.compile(r"\s*(?:,|;|\s--|\s–|\s—)\s*(?:(?:but|though|although|while|however|लेकिन|हालांकि|मगर)"
                              r"(?![\p{L}\p{M}])\s*,?\s*)?")
_CLAUSE_MIN_WORDS = 4  # words of content each half of a split sentence keeps beside its cue
_BARE_MAX_WORDS = 4  # words beside the cue and the speaker in a bare attribution ("he told reporters.")


@dataclass
class _Sentence:
    """One sentence while the article is read: where it is, its cue and what it says of its speaker."""

    span: SentenceSpan
    raw: str
    language: str
    folded: str
    where: list[int]
    cue: CueMatch | None = None
    matches: list[CueMatch] = field(default_factory=list)  # every cue of the sentence that holds
    cue_in_quote: bool = False
    found: Found = NOBODY
    quote: Quotation | None = None  # the speech quotation holding most of it
    bare: bool = False  # only an attribution ("X said."): attributes a quote, is no claim itself

    def words(self) -> int:
        return len(regex.findall(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*", self.raw))


def _content_words(s: _Sentence) -> int:
    """Words of the sentence beside its cue (and the speaker phrase before it, roughly)."""
    assert s.cue is not None
    return len(regex.findall(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*", s.folded[s.cue.end:]))


class ClaimExtractor:
    """Claims of articles for one topic (its gazetteer and concept lexicon give the fingerprint
    and the actors a Hindi subject may name). `splitter` swaps the sentence splitter (to measure
    another one on the same texts)."""

    def __init__(self, topic: Topic | None = None, splitter: Splitter | None = None) -> None:
        self.topic = topic
        self.splitter = splitter
        self.settings = topic.claims if topic is not None else ClaimSettings()
        self.concepts = ConceptIndex(topic)
        self._weights = {c.id: c.weight for c in topic.concepts} if topic is not None else {}
        aliases: list[str] = []
        if topic is not None:
            entries = [*topic.gazetteer.people, *topic.gazetteer.organisations,
                       *(c for c in topic.concepts if c.id in ACTOR_CONCEPTS)]
            aliases = [alias for entry in entries for alias in entry.hi]
        self._actor_re = (regex.compile(NOT_LETTER_BEFORE + f"(?:{phrase_alternation(*aliases)})"
                                        + rf"(?:\s+(?:और|व)\s+(?:{phrase_alternation(*aliases)}))*" + NOT_LETTER_AFTER)
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

    def _skipped_paragraphs(self, text: str, spans: list[SentenceSpan]) -> set[int]:
        """Headings, teasers, read-more links and the headlines after them, navigation."""
        skipped: set[int] = set()
        after_read_more = False
        for p_index, (start, end) in enumerate(paragraph_spans(text)):
            paragraph = text[start:end]
            sentences = [text[s.start:s.end] for s in spans if s.paragraph == p_index]
            heading = is_heading(paragraph, sentences)
            boilerplate = bool(BOILERPLATE.match(fold(paragraph)))
            after_read_more = after_read_more or boilerplate
            if after_read_more and (heading or boilerplate or paragraph[-1:] not in _CLOSING):
                skipped.add(p_index)
                continue
            after_read_more = False
            if heading or _TEASER_END.search(paragraph):
                skipped.add(p_index)
        return skipped

    def _sentence(self, text: str, span: SentenceSpan, language: str | None, quotes: list[Quotation]) -> _Sentence:
        raw = text[span.start:span.end]
        lang = _language_of(raw, language)
        folded, where = fold_with_map(raw)
        s = _Sentence(span, raw, lang, folded, where, quote=inside(quotes, span.start, span.end))
        in_quote = overlapping(quotes, span.start, span.end)

        def quoted(pos: int) -> bool:
            return any(q.covers(span.start + where[pos]) for q in in_quote)

        # a question states nothing ("What has the Kremlin said about it?")
        s.matches = [] if _QUESTION.search(raw) else cue_matches(folded, cue_language(lang))
        cue = pick_cue(s.matches, quoted)
        if cue is not None:
            s.cue, s.cue_in_quote = cue, quoted(cue.start)
            extract = hindi_speaker if cue_language(lang) == "hi" else english_speaker
            s.found = extract(raw, folded, where, cue, self._actors)
            if s.cue_in_quote and s.found.text and all(not q.closed for q in in_quote if q.covers(span.start + where[cue.start])):
                # a quotation never closed has run past its end: a sentence naming its own speaker is not in it
                s.cue_in_quote, s.quote = False, None
        return s

    def _cut(self, text: str, s: _Sentence, m: regex.Match, language: str | None,
             quotes: list[Quotation]) -> tuple[_Sentence, _Sentence]:
        """The sentence cut at a clause break (the break itself belongs to neither part)."""
        cut, resume = s.span.start + s.where[m.start()], s.span.start + s.where[m.end() - 1] + 1
        return (self._sentence(text, SentenceSpan(s.span.start, cut, s.span.paragraph), language, quotes),
                self._sentence(text, SentenceSpan(resume, s.span.end, s.span.paragraph), language, quotes))

    def _clauses(self, text: str, s: _Sentence, language: str | None, quotes: list[Quotation]) -> list[_Sentence]:
        """The claims a sentence holds, as spans: "X said A, while Y said B" / "X ने कहा …, वहीं Y ने
        कहा …" is two claims of two speakers; a part after ";" or a non-response clause ("--
        though he declined to say ...") without a cue is no part of the claim."""
        if s.cue is None or s.cue_in_quote or s.quote is not None:
            return [s]
        lex = lexicon(cue_language(s.language))
        for m in _PART_BREAK.finditer(s.folded):
            first, second = self._cut(text, s, m, language, quotes)
            if (first.cue is None) != (second.cue is None) and first.raw and second.raw:
                return [*self._clauses(text, first, language, quotes), *self._clauses(text, second, language, quotes)]
        if lex.non_claims:
            for refusal in lex.non_claims.finditer(s.folded, s.cue.end):
                breaks = [m for m in _CLAUSE_BREAK.finditer(s.folded, s.cue.end, refusal.start())]
                joined = [m for m in breaks if regex.search(r"[\p{L}]", m.group())]  # ", but", "-- though"
                if breaks:
                    first, second = self._cut(text, s, (joined or breaks)[-1], language, quotes)
                    if first.cue is not None and _content_words(first) >= _CLAUSE_MIN_WORDS:
                        second.cue = None  # "he said X -- though he declined to say Y"
                        return [first, second]
        for m in _TWO_SPEAKERS.finditer(s.folded, s.cue.end):
            if not any(c.start >= m.end() and not c.cue.weak for c in s.matches):
                break
            first, second = self._cut(text, s, m, language, quotes)
            if first.cue is not None and second.cue is not None and second.found != NOBODY \
                    and second.found != first.found and _content_words(first) >= _CLAUSE_MIN_WORDS \
                    and _content_words(second) >= _CLAUSE_MIN_WORDS:
                return [first, *self._clauses(text, second, language, quotes)]
        return [s]

    def _read(self, text: str, language: str | None) -> tuple[list[_Sentence], list[Quotation], set[int]]:
        spans = sentence_spans(text, language, self.splitter)
        quotes = quotations(text, paragraph_spans(text))
        out = []
        for span in spans:
            out.extend(self._clauses(text, self._sentence(text, span, language, quotes), language, quotes))
        return out, quotes, self._skipped_paragraphs(text, spans)

    def _attribute(self, sentences: list[_Sentence], quotes: list[Quotation]) -> dict[int, int]:
        """Sentence index → the index of the sentence whose cue attributes the quotation it is in."""
        by_quote: dict[Quotation, list[int]] = {}
        for i, s in enumerate(sentences):
            for q in overlapping(quotes, s.span.start, s.span.end):
                by_quote.setdefault(q, []).append(i)
        owner: dict[Quotation, int] = {}
        previous: tuple[Quotation, int] | None = None  # the last attributed quotation and its owner
        for q in sorted(by_quote, key=lambda q: q.start):
            members = by_quote[q]
            if not q.closed:  # an open quotation ends where a sentence names its own speaker
                ends = [i for i in members[1:] if sentences[i].quote is None and sentences[i].cue is not None]
                members = by_quote[q] = [i for i in members if not ends or i < ends[0]]
            first, last = members[0], members[-1]
            who = next((i for i in members if sentences[i].cue is not None and not sentences[i].cue_in_quote), None)
            if who is None and last + 1 < len(sentences) and self._attribution_only(sentences[last + 1]):
                who = last + 1  # "…" he said.
                sentences[who].bare = True
            if who is None and first > 0 and sentences[first - 1].cue is not None \
                    and sentences[first - 1].raw.rstrip().endswith(":"):
                who = first - 1  # He told reporters:\n"…"
            if who is None and previous is not None:
                gap = [i for i in range(by_quote[previous[0]][-1] + 1, first)
                       if i != previous[1] and sentences[i].quote is None]
                if not gap and first - by_quote[previous[0]][-1] <= 2:
                    who = previous[1]  # the quote goes on: "…," X said. "…"
            if who is not None:
                owner[q] = who
                previous = (q, who)
        return {i: owner[q] for q, members in by_quote.items() if q in owner for i in members}

    @staticmethod
    def _attribution_only(s: _Sentence) -> bool:
        if s.cue is None or s.cue_in_quote or s.quote is not None:
            return False
        rest = s.folded[:s.cue.start] + " " + s.folded[s.cue.end:]
        return len(regex.findall(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*", rest)) <= _BARE_MAX_WORDS + 3

    def statements(self, text: str, language: str | None = None) -> list[Claim]:
        """Every content sentence of the text, claims (cue set) and plain statements (cue None),
        with `start`/`end` offsets into `text`. Headings, teasers, read-more links and what
        follows them, and navigation are left out."""
        sentences, quotes, skipped = self._read(text, language)
        attributed = self._attribute(sentences, quotes)
        history = SpeakerHistory()
        resolved: dict[int, str | None] = {}

        def speaker_of(i: int) -> str | None:
            if i not in resolved:
                resolved[i] = history.resolve(sentences[i].found)
                history.add(resolved[i], sentences[i].language)
            return resolved[i]

        out: list[Claim] = []
        for i, s in enumerate(sentences):
            if s.span.paragraph in skipped:
                continue
            cue: str | None = None
            speaker: str | None = None
            owner = attributed.get(i)
            if s.cue is not None and not s.cue_in_quote:
                cue, speaker = s.cue.name, speaker_of(i)
                lang = cue_language(s.language)
                mention = titled_mention(s.raw, s.folded, s.where, lang)
                if mention and mention != speaker:
                    history.add_mention(mention, s.language)
            elif owner is not None:
                speaker = speaker_of(owner)
                cue = s.cue.name if s.cue is not None else "quote"
            elif s.cue is not None and s.quote is None:
                cue, speaker = s.cue.name, speaker_of(i)
            else:
                lang = cue_language(s.language)
                history.add(titled_mention(s.raw, s.folded, s.where, lang)
                            or subject_mention(s.raw, s.folded, s.where, lang, self._actors), s.language)
            if s.bare or _QUESTION.search(s.raw):
                cue = None  # the attribution of the quote before it / a question: no claim of its own
            record = make_claim(unicodedata.normalize("NFC", s.raw), s.language, self.concepts,
                                speaker=unicodedata.normalize("NFC", speaker) if speaker else None, cue=cue,
                                paragraph=s.span.paragraph, index=i)
            out.append(replace(record, start=s.span.start, end=s.span.end))
        return out

    def known_units(self, text: str, language: str | None = None) -> list[Claim]:
        """What a known article (a seed, an earlier article) says, as units to compare new claims
        with: every statement (claims and the rest), and every two adjacent sentences of a
        paragraph joined (cue "window"), since a restatement often folds two sentences into one."""
        statements = self.statements(text, language)
        units = list(statements)
        for first, second in zip(statements, statements[1:]):
            if first.paragraph == second.paragraph and second.index == first.index + 1:
                unit = self.claim(f"{first.sentence} {second.sentence}", first.language,
                                  speaker=first.speaker or second.speaker, cue="window",
                                  paragraph=first.paragraph, index=first.index)
                units.append(replace(unit, start=first.start, end=second.end))
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
