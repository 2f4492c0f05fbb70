"""The cue lexicons (`cues/<language>.yaml`, package data) as typed, compiled records: the cues
and their conditions, negation, the non-responses, and the words speaker phrases are cut by.
The YAML files say what each key means; this module only compiles them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import regex
import yaml

from newswatch.claims.folding import NOT_LETTER_AFTER, NOT_LETTER_BEFORE, fold

QUOTE_CHARS = "\"“”'‘’«»„"
_MACROS = {
    "{NUM}": r"(?:[-+−]?(?:\p{Sc}\s*)?\p{N}[\p{N},.]*(?:\s*(?:%|percent|per\s+cent|प्रतिशत|फीसदी))?)",
    "{QUOTE}": f"[{regex.escape(QUOTE_CHARS)}]",
    "{PUNCT}": r"[,:;–—\-।|]",  # a danda inside a sentence stands for a comma ("कहा था| कि")
    "{END}": r"(?:[^\p{L}\p{N}]*$)",
    # an optional time between a verb and its preposition: "called Friday for", "called on Monday for"
    "{WHEN}": r"(?:(?:on\s+|last\s+|this\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
              r"yesterday|again|also|repeatedly|publicly)\s+)?",
}
SPEAKER_RULES = {"subject", "source", "object", "anaphor", "none"}
_AT_END = {None, "quote_before", "clause_before"}
_NEEDS = {"agent_before", "ki_after", "quote"}
_WORD = r"[\p{L}\p{M}\p{N}'’-]+"


class LexiconError(ValueError):
    """A lexicon file breaks its schema (unknown key, a form in two cues, a bad macro)."""


@dataclass(frozen=True)
class Cue:
    name: str
    speaker: str = "subject"
    weak: bool = False
    negatable: bool = True
    aux: bool = False
    next: regex.Pattern[str] | None = None  # matched right after the cue (and its auxiliaries)
    unless_next: regex.Pattern[str] | None = None
    unless_prev: regex.Pattern[str] | None = None  # searched at the end of the text before the cue
    at_end: str | None = None
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SpeakerWords:
    boundary: frozenset[str]
    inner: frozenset[str]
    not_a_noun: frozenset[str]
    pronouns: dict[str, str]  # folded pronoun → the kind of speaker it refers to
    generic: frozenset[str]
    organisation: regex.Pattern[str]
    group: regex.Pattern[str]
    person_titles: regex.Pattern[str]
    vague_heads: frozenset[str] = frozenset()
    affiliations: frozenset[str] = frozenset()
    references: frozenset[str] = frozenset()  # heads of short references ("the ministry")
    aliases: dict[str, str] = field(default_factory=dict)  # "सीएम" → "मुख्यमंत्री"


@dataclass(frozen=True)
class Lexicon:
    language: str
    cues: tuple[Cue, ...]
    finder: regex.Pattern[str]  # every form of every cue, longest first
    form_cue: dict[str, int]  # a form as found (folded, single spaces) → index into `cues`
    aux: regex.Pattern[str] | None
    negation_before: regex.Pattern[str] | None
    negation_after: regex.Pattern[str] | None
    non_claims: regex.Pattern[str] | None
    clause_break: regex.Pattern[str]
    speakers: SpeakerWords

    def cue_of(self, form: str) -> Cue:
        return self.cues[self.form_cue[" ".join(form.split())]]


def _phrase(phrase: str) -> str:
    """A folded phrase as a pattern: any run of spaces between words, letter boundaries at its ends."""
    if phrase in _MACROS:
        return _MACROS[phrase]
    if "{" in phrase:  # words around a macro: "{WHEN} for"
        parts = [p for p in regex.split(r"(\{[A-Z]+\})", phrase) if p.strip()]
        for part in parts:
            if part.startswith("{") and part not in _MACROS:
                raise LexiconError(f"unknown macro {part}")
        return r"\s*".join(_MACROS[p] if p in _MACROS else _phrase(p.strip()) for p in parts)
    folded = fold(phrase)
    body = r"\s+".join(map(regex.escape, folded.split()))
    glued = folded[:1] in "'’" or folded.startswith(("n't", "n’t"))  # "didn't": no boundary before n't
    before = "" if glued or not regex.match(r"[\p{L}\p{N}]", folded[:1]) else NOT_LETTER_BEFORE
    after = NOT_LETTER_AFTER if regex.search(r"[\p{L}\p{M}\p{N}]$", folded) else ""
    return before + body + after


def _alternation(phrases: list[str]) -> str:
    alts = sorted({str(p) for p in phrases}, key=lambda p: len(fold(p)), reverse=True)
    return "|".join(_phrase(p) for p in alts)


def _compile_words(words: list[str]) -> regex.Pattern[str]:
    return regex.compile(f"(?:{_alternation(words)})") if words else regex.compile(r"(?!)")


_CUE_KEYS = {"name", "forms", "speaker", "weak", "negatable", "aux", "next", "unless_next", "unless_prev",
             "at_end", "needs"}


def _flag(value: object, where: str) -> bool:
    """A yes/no setting (the loader reads YAML without booleans, so "false" arrives as text)."""
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "yes"):
        return True
    if str(value).lower() in ("false", "no"):
        return False
    raise LexiconError(f"{where}: {value!r} is not true or false")


def _cue(entry: dict, where: str) -> Cue:
    unknown = set(entry) - _CUE_KEYS
    if unknown or not entry.get("name") or not entry.get("forms"):
        raise LexiconError(f"{where}: cue {entry.get('name')!r}: unknown keys {sorted(unknown)} or no name/forms")
    speaker, at_end, needs = entry.get("speaker", "subject"), entry.get("at_end"), tuple(entry.get("needs", ()))
    if speaker not in SPEAKER_RULES or at_end not in _AT_END or set(needs) - _NEEDS:
        raise LexiconError(f"{where}: cue {entry['name']!r}: bad speaker, at_end or needs")

    def after(key: str) -> regex.Pattern[str] | None:
        words = entry.get(key)
        return regex.compile(rf"\s*(?:{_alternation(words)})") if words else None

    prev = entry.get("unless_prev")
    return Cue(name=str(entry["name"]), speaker=speaker, weak=_flag(entry.get("weak", False), where),
               negatable=_flag(entry.get("negatable", True), where), aux=_flag(entry.get("aux", False), where),
               next=after("next"), unless_next=after("unless_next"),
               unless_prev=regex.compile(rf"(?:{_alternation(prev)})\s*$") if prev else None,
               at_end=at_end, needs=needs)


def _negation(words: list[str] | None, window: int, side: str) -> regex.Pattern[str] | None:
    if not words:
        return None
    words = [*words, *(w.replace("'", "’") for w in words if "'" in w)]
    neg = f"(?:{_alternation(words)})"
    if side == "before":  # the negation, then at most `window` words, then the cue
        return regex.compile(neg + rf"(?:\s+{_WORD}){{0,{window}}}\s*$")
    # after the cue: at most `window` words (never कि), then the negation
    return regex.compile(rf"\s*(?:(?!कि{NOT_LETTER_AFTER}){_WORD}\s+){{0,{window}}}" + neg)


def _build(raw: dict, where: str) -> Lexicon:
    cues: list[Cue] = []
    form_cue: dict[str, int] = {}
    for entry in raw.get("cues", []):
        cues.append(_cue(entry, where))
        for form in entry["forms"]:
            key = " ".join(fold(str(form)).split())
            if key in form_cue:
                raise LexiconError(f"{where}: form {form!r} is in two cues")
            form_cue[key] = len(cues) - 1
    negation = raw.get("negation") or {}
    window = int(negation.get("window", 3))
    sp = raw.get("speakers") or {}
    speakers = SpeakerWords(
        boundary=frozenset(fold(w) for w in sp.get("boundary", [])),
        inner=frozenset(fold(w) for w in sp.get("inner", [])),
        not_a_noun=frozenset(fold(w) for w in sp.get("not_a_noun", [])),
        pronouns={fold(k): v for k, v in (sp.get("pronouns") or {}).items()},
        generic=frozenset(fold(w) for w in sp.get("generic", [])),
        organisation=_compile_words(sp.get("organisation", [])),
        group=_compile_words(sp.get("group", [])),
        person_titles=_compile_words(sp.get("person_titles", [])),
        vague_heads=frozenset(fold(w) for w in sp.get("vague_heads", [])),
        affiliations=frozenset(fold(w) for w in sp.get("affiliations", [])),
        references=frozenset(fold(w) for w in sp.get("references", [])),
        aliases={fold(k): fold(v) for k, v in (sp.get("aliases") or {}).items()})
    aux = raw.get("auxiliaries")
    breaks = raw.get("clause_breaks", [])
    return Lexicon(
        language=raw["language"], cues=tuple(cues),
        finder=regex.compile(f"(?:{_alternation([f for e in raw.get('cues', []) for f in e['forms']])})"),
        form_cue=form_cue,
        aux=regex.compile(rf"(?:\s+(?:{_alternation(aux)})){{1,4}}") if aux else None,
        negation_before=_negation(negation.get("before"), window, "before"),
        negation_after=_negation(negation.get("after"), window, "after"),
        non_claims=_compile_words(raw["non_claims"]) if raw.get("non_claims") else None,
        clause_break=regex.compile(r"[,;:–—]" + (f"|(?:{_alternation(breaks)})" if breaks else "")),
        speakers=speakers)


class _WordsLoader(yaml.SafeLoader):
    """YAML without its 1.1 booleans: in a word list "on", "no" and "yes" are words."""


_WordsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


@cache
def languages() -> tuple[str, ...]:
    """The languages with a lexicon file (the package's files: read once)."""
    folder = resources.files("newswatch.claims") / "cues"
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml")))


@cache
def lexicon(language: str) -> Lexicon:
    """The compiled lexicon of a language (`cues/<language>.yaml`); KeyError when there is none."""
    if language not in languages():
        raise KeyError(f"no cue lexicon for {language!r}")
    path = resources.files("newswatch.claims") / "cues" / f"{language}.yaml"
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_WordsLoader)  # noqa: S506
    if raw.get("language") != language:
        raise LexiconError(f"{path}: language {raw.get('language')!r} is not {language!r}")
    return _build(raw, str(path))
