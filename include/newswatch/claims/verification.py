"""Verification: on top of a match (the new claim is about what a known claim is about), do the
facts agree? Numbers (with their units), polarity (negation, denial), modality and tense
(will / plans / expected vs did), antonymous predicates (raise / cut, बढ़ाना / घटाना) and the
speaker. The words are data (`claims/data/facts_<lang>.yaml`), read by `newswatch.claims.facts`.

`facts(text, language)` reads a claim's facts once; `compare(known, new)` says what changed;
`categorize` names the category a match and its comparison give (`judging` decides it from the
scorer's probabilities; the categories):

- **restates**: known, the facts agree (not alerted);
- **confirms**: known, the facts agree, and another named source says it now;
- **update**: a fact changed: a number ("12, was 2"), or what was planned is now done (or back);
- **contradicts**: a denial or a reversal: the polarity flipped, or the predicate is its antonym;
- **new**: nothing known is about the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from newswatch.claims.concepts import stem
from newswatch.claims.facts import lexicon
from newswatch.claims.numbers import Quantity, quantities, tokens_of
from newswatch.text.normalize import tokens

RESTATES, CONFIRMS, UPDATE, CONTRADICTS, NEW = "restates", "confirms", "update", "contradicts", "new"
CATEGORIES = (NEW, UPDATE, CONTRADICTS, CONFIRMS, RESTATES)
ALERTED = frozenset({NEW, UPDATE, CONTRADICTS, CONFIRMS})  # restatements stay out of the alert

# Hindi future forms: देगा, करेगी, भेजेंगे, जाएंगे, होगा (a vowel sign or ए before -गा/-गी/-गे).
_HI_FUTURE = regex.compile(r"(?:[\u093e-\u094c]|ए|ऎ|ओ)\u0902?(?:गा|गी|गे)$")
# past forms of verbs whose root ends in ग, which the future pattern would take: दागी (fired),
# भागे (ran), मांगी (asked), जागा (woke), त्यागा (gave up)
_HI_G_ROOTS = frozenset({"दा", "भा", "मां", "माँ", "जा", "त्या", "ला"})


@dataclass(frozen=True)
class Facts:
    """What verification compares of one claim."""

    language: str
    numbers: tuple[Quantity, ...] = ()
    negated: bool = False  # a negation word ("not", "नहीं")
    denial: bool = False  # a denial word ("denied", "खंडन", "नकारा")
    modal: bool = False  # planned, expected, possible, future
    predicates: frozenset[tuple[str, str]] = frozenset()  # (antonym pair id, side)
    singles: frozenset[str] = frozenset()  # stems of the words after "a"/"one"/"एक": one of them

    @property
    def negative(self) -> bool:
        return self.negated or self.denial


@dataclass(frozen=True)
class Change:
    """What differs between a known claim and a new one."""

    numbers: tuple[tuple[Quantity, Quantity], ...] = ()  # (now, was)
    polarity: str | None = None  # "denies" | "reverses a denial"
    denial: bool = False  # the polarity changed through a denial word (denied, खंडन), not a bare "not"
    modality: str | None = None  # "now done, was expected" | "now expected, was reported done"
    predicates: tuple[tuple[str, str], ...] = ()  # (now, was): ("cut", "raise")

    @property
    def conflicts(self) -> bool:
        return bool(self.numbers or self.polarity or self.modality or self.predicates)

    @property
    def contradicts(self) -> bool:
        return bool(self.polarity or self.predicates)

    def as_dict(self) -> dict:
        out: dict = {}
        if self.numbers:
            out["numbers"] = [{"now": n.show(), "was": w.show(), "now_value": n.value, "was_value": w.value,
                               "unit": n.unit or w.unit} for n, w in self.numbers]
        if self.polarity:
            out["polarity"] = self.polarity
        if self.modality:
            out["modality"] = self.modality
        if self.predicates:
            out["predicates"] = [{"now": n, "was": w} for n, w in self.predicates]
        return out

    def describe(self) -> str:
        """A few words for the reader: "12, was 2"; "denies"; "cut, was raise"."""
        parts = [f"{n.show()}, was {w.show()}" for n, w in self.numbers]
        parts += [f"{n}, was {w}" for n, w in self.predicates]
        parts += [p for p in (self.polarity, self.modality) if p]
        return "; ".join(parts)


def _phrase_at(words: list[str], i: int, phrases: frozenset[tuple[str, ...]]) -> int:
    for n in range(min(4, len(words) - i), 0, -1):
        if tuple(words[i:i + n]) in phrases:
            return n
    return 0


_EN_SUFFIXES = ("", "s", "es", "ed", "d", "ing", "ion", "ions", "ment")


def _stems(token: str, language: str) -> list[str]:
    """The forms a list word may take that this token inflects: raised → raise, rais; cutting →
    cut; Hindi lists give the forms, and a stem matches up to two more letters (बढ़ाने → बढ़ा)."""
    if language == "hi":
        return [token[:len(token) - k] for k in range(0, 3) if len(token) - k >= 2]
    out = [token[:-len(sfx)] if sfx else token for sfx in _EN_SUFFIXES if token.endswith(sfx) and len(token) > len(sfx) + 1]
    for sfx in ("ed", "ing"):  # doubled consonant: cutting, stopped
        if token.endswith(sfx) and len(token) > len(sfx) + 2 and token[-len(sfx) - 1] == token[-len(sfx) - 2]:
            out.append(token[:-len(sfx) - 1])
    return out


@lru_cache(maxsize=64)
def _by_first(phrases: frozenset[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        index.setdefault(phrase[0], []).append(phrase)
    return index


def _find_any(words: list[str], phrases: frozenset[tuple[str, ...]], language: str, *, inflect: bool = False) -> list[str]:
    """The phrases of the list that occur in the words (each once)."""
    index = _by_first(phrases)
    found: list[str] = []
    for i, word in enumerate(words):
        for form in (_stems(word, language) if inflect else [word]):
            for phrase in index.get(form, ()):
                rest = phrase[1:]
                if all(i + 1 + k < len(words) and (words[i + 1 + k] == w or (inflect and w in _stems(words[i + 1 + k], language)))
                       for k, w in enumerate(rest)):
                    text = " ".join(phrase)
                    if text not in found:
                        found.append(text)
    return found


@lru_cache(maxsize=65536)
def facts(text: str, language: str) -> Facts:
    """Read a claim's facts (cheap: regex and word lists; no model)."""
    lex = lexicon(language)
    words = tokens_of(text)
    plain = tokens(text)
    negated = bool(_find_any(plain, lex.negation, language)) or any(w.endswith("n't") for w in words)
    denial = bool(_find_any(plain, lex.denial, language, inflect=language == "en"))
    modal = bool(_find_any(plain, lex.modality, language))
    if language == "hi" and not modal:
        modal = any(_HI_FUTURE.search(w) and w[:-2] not in _HI_G_ROOTS for w in plain)
    predicates = set()
    for pair, sides in lex.antonyms.items():
        for side, phrases in sides.items():
            if _find_any(plain, phrases, language, inflect=True):
                predicates.add((pair, side))
    return Facts(language=language, numbers=tuple(quantities(text, language)), negated=negated, denial=denial,
                 modal=modal, predicates=frozenset(predicates), singles=_singles(words, lex))


_SINGLE_SPAN = 3  # "a possible ballistic missile": the counted word within three words of "a"


def _singles(words: list[str], lex) -> frozenset[str]:
    """What a text counts as one without a number: the stems of the few words after "a", "an",
    "one", "एक" (not "one of", not a scale or a month after it)."""
    out: set[str] = set()
    for i, word in enumerate(words):
        if word not in lex.weak and word != "an":
            continue
        after = words[i + 1:i + 1 + _SINGLE_SPAN]
        if not after or after[0] in ("of", "के", "की", "का") or after[0] in lex.scales or after[0] in lex.months:
            continue
        out.update(stem(w) for w in after if not w[0].isdigit())
    return frozenset(out)


def combined(a: Facts, b: Facts) -> Facts:
    """The facts of two adjacent sentences read as one unit: their numbers and predicates, and a
    polarity or modality only where both sentences have it (one hedged sentence of two does not
    make the pair a plan)."""
    return Facts(language=a.language, numbers=a.numbers + b.numbers, negated=a.negated and b.negated,
                 denial=a.denial and b.denial, modal=a.modal and b.modal, predicates=a.predicates | b.predicates)


def _antonym_word(text: str, language: str, pair: str, side: str) -> str:
    """The word of an antonym side the text uses (for the reader: "cut", "घटाएगा")."""
    plain = tokens(text)
    phrases = lexicon(language).antonyms.get(pair, {}).get(side, frozenset())
    for i, word in enumerate(plain):
        if any(phrase[0] in _stems(word, language) for phrase in phrases):
            return word
    return side


_SPECIAL_UNITS = ("%", "year", "date")


def _number_changes(known: tuple[Quantity, ...], new: tuple[Quantity, ...],
                    across: bool = False) -> list[tuple[Quantity, Quantity]]:
    """Pairs (now, was) of numbers that changed. Numbers both give cancel out first, so a shared
    incidental number ("in 48 hours") never hides a changed one; the rest pair by unit (the
    word counted, %, year, date). Across languages the counted words are of two languages: one
    number left on each side, neither a %, year or date of another kind, pairs too. A number
    only one side gives is a detail added or left out, not a change."""
    rest_known, rest_new = list(known), []
    for q in new:
        same = next((k for k in rest_known if k.same_as(q)), None)
        if same is not None:
            rest_known.remove(same)
        else:
            rest_new.append(q)
    changes = []
    for q in list(rest_new):
        if q.unit is None:
            continue
        was = next((k for k in rest_known if k.unit == q.unit), None)
        if was is not None:
            changes.append((q, was))
            rest_known.remove(was)
            rest_new.remove(q)
    if across and len(rest_new) == 1 and len(rest_known) == 1:
        q, k = rest_new[0], rest_known[0]
        kinds = (q.unit if q.unit in _SPECIAL_UNITS else None, k.unit if k.unit in _SPECIAL_UNITS else None)
        if kinds[0] == kinds[1]:
            changes.append((q, k))
    return changes


def _one_changes(known: Facts, new: Facts, found: list[tuple[Quantity, Quantity]]) -> list[tuple[Quantity, Quantity]]:
    """"a possible missile" and "two possible missiles": a count against the one an article
    states (either way round), where the count is not on the other side already."""
    if known.language != new.language:
        return []
    out = []
    changed = {id(q) for pair in found for q in pair}
    for mine, other, now in ((new, known, True), (known, new, False)):
        for q in mine.numbers:
            if (id(q) in changed or q.unit in (None, *_SPECIAL_UNITS) or q.value == 1
                    or any(q.same_as(k) for k in other.numbers) or any(k.unit == q.unit for k in other.numbers)):
                continue
            if q.unit in other.singles:
                one = Quantity(value=1.0, unit=q.unit, text="one")
                out.append((q, one) if now else (one, q))
    return out


def compare(known: Facts, new: Facts, known_text: str = "", new_text: str = "") -> Change:
    """What changed from a known claim to a new one (the texts name antonym words for the reader)."""
    polarity = None
    if new.negative != known.negative:
        polarity = "denies" if new.negative else "reverses a denial"
    modality = None
    if new.modal != known.modal:
        modality = "now reported done, was expected" if known.modal else "now expected, was reported done"
    predicates = []
    for pair in {p for p, _ in new.predicates} & {p for p, _ in known.predicates}:
        now_sides = {s for p, s in new.predicates if p == pair}
        was_sides = {s for p, s in known.predicates if p == pair}
        if len(now_sides) == 1 and len(was_sides) == 1 and now_sides != was_sides:
            now, was = next(iter(now_sides)), next(iter(was_sides))
            predicates.append((_antonym_word(new_text, new.language, pair, now) if new_text else now,
                               _antonym_word(known_text, known.language, pair, was) if known_text else was))
    numbers = _number_changes(known.numbers, new.numbers, known.language != new.language)
    numbers += _one_changes(known, new, numbers)
    return Change(numbers=tuple(numbers),
                  polarity=polarity, denial=bool(polarity) and new.denial != known.denial,
                  modality=modality, predicates=tuple(predicates))


def _speaker_words(speaker: str) -> set[str]:
    return {w for w in tokens(speaker) if len(w) > 2}


def same_speaker(a: str | None, b: str | None) -> bool | None:
    """Whether two speakers are one source: None when either is unnamed or they are written in
    different scripts (no evidence either way: a transliterated name is not compared here), and
    None rather than False when one is a singular role with no name ("North Korean leader" may
    be the other's "Kim")."""
    if not a or not b:
        return None
    wa, wb = _speaker_words(a), _speaker_words(b)
    if not wa or not wb:
        return None
    if _script(a) != _script(b):
        return None
    if len(wa & wb) / min(len(wa), len(wb)) >= 0.5:
        return True
    return None if unnamed_role(a) or unnamed_role(b) else False


_SPEAKER_QUALIFIER = regex.compile(r"\s(?:of|in|at|from|for|with|on|to|by|involved|who|which|that)\s|,")
# Korean, Russian, Ukrainian, American, Chinese, British (not Japan, Iran, Sudan: places name a source)
_DEMONYM = regex.compile(r"(?:ean|ian|ican|ese|ish)$|^(?:german|thai|iraqi|israeli|pakistani|saudi|emirati)$")
_COLLECTIVE = frozenset({"news", "media", "press", "congress", "cbs", "abc"})


def unnamed_role(speaker: str | None) -> bool:
    """A singular role with no name: "North Korean leader", "the country's state news agency",
    "a defence analyst in Tokyo" (its head before a qualifier has no capitalised word but roles,
    titles and demonyms, and is not a plural: "two officials" are not one named person).
    Latin script only: Hindi has no capitals to tell a name by."""
    if not speaker or _script(speaker) != "latn":
        return False
    head = _SPEAKER_QUALIFIER.split(f" {speaker} ", maxsplit=1)[0]
    words = regex.findall(r"\p{L}[\p{L}.'’-]*", head)
    if not words:
        return False
    roles = lexicon("en").roles
    for word in words:
        base = regex.sub(r"['’]s?$", "", word.rstrip(".")).lower()
        if word[0].isupper() and base not in roles and not _DEMONYM.search(base):
            return False  # a name
    last = regex.sub(r"['’]s?$", "", words[-1]).lower()
    return not (last.endswith("s") and not last.endswith("ss") and last not in _COLLECTIVE)


def _script(text: str) -> str:
    return "deva" if regex.search(r"\p{Devanagari}", text) else "latn"


@dataclass
class Verdict:
    """The category of a new claim and what it rests on."""

    category: str
    similarity: float = 0.0  # of the match: P(match) (judging)
    matched: object | None = None  # the known unit it was judged against
    change: Change = field(default_factory=Change)
    same: float = 0.0  # P(same proposition) of the match (judging; 0 when not scored)

    @property
    def alerted(self) -> bool:
        return self.category in ALERTED


def categorize(similarity: float, change: Change, threshold: float, speakers_differ: bool | None) -> str:
    """One category from a match's similarity and what changed. Below the threshold nothing
    known is about the same thing: new."""
    if similarity < threshold:
        return NEW
    if change.contradicts:
        return CONTRADICTS
    if change.conflicts:
        return UPDATE
    return CONFIRMS if speakers_differ else RESTATES
