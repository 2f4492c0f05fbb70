"""Quantities a claim states: digits (4,512; 1,50,000; 3.5; Devanagari digits), number words and
their scales in English and Hindi (three, thirteen, forty thousand, 3.5 million; तीन, तीस,
करीब चालीस हजार, डेढ़ लाख, साढ़े तीन करोड़), percentages, each with the word it counts (its unit:
soldiers, लोग, %). The words are data (`claims/data/facts_<lang>.yaml`).

Measured against number-parser 0.3.2 on our number phrases (tests/fixtures/claims/numbers.yaml,
30 English and Hindi phrases; bench/claims.py prints `numbers_ours` / `numbers_number_parser`):
number-parser reads number words in both languages, but not a digit with a scale ("3.5 million",
"10 लाख", "2 करोड़" come out as two numbers), nor डेढ़/ढाई/साढ़े/सवा, and takes "एक"/"one"
as 1 wherever it stands; so this small reader (its words in the data files) is kept, and
number-parser is not a dependency.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from newswatch.claims.concepts import stem
from newswatch.claims.facts import Lexicon, lexicon
from newswatch.text.normalize import normalize_text

# words (letters with their marks), digit groups (4,512 / 1,50,000 / 3.5), and % as a word
_TOKEN = regex.compile(r"\d+(?:,\d+)*(?:\.\d+)?|%|[\p{L}\p{M}]+(?:'[\p{L}]+)?")
_DATE = regex.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_TIME = regex.compile(r"\b\d{1,2}:\d{2}\b")
_SKIP_AFTER = {"of", "के", "की", "का"}  # "millions of shells": the unit is the word after


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None  # stem of the word counted, "%" for a percentage, "year", "date" (30 August)
    text: str  # as found (folded), e.g. "चालीस हजार", "4,512", "thirteen"
    approximate: bool = False
    tolerance: float = 0.0  # what the writing leaves open: "4.3 लाख" is 430,000 ± 5,000

    def same_as(self, other: "Quantity") -> bool:
        """Equal, or within what either side's rounding leaves open (4.3 लाख and 4,34,431)."""
        slack = max(self.tolerance, other.tolerance, 1e-9 * max(1.0, abs(self.value)))
        return abs(self.value - other.value) <= slack

    def show(self) -> str:
        return self.text + ("%" if self.unit == "%" and not self.text.endswith("%") else "")


def tokens_of(text: str) -> list[str]:
    folded = _TIME.sub(" ", _DATE.sub(" ", normalize_text(text)))
    return _TOKEN.findall(folded)


def _digits(token: str) -> float | None:
    if token[0].isdigit():
        return float(token.replace(",", ""))
    return None


def _match_phrase(words: list[str], i: int, phrases: frozenset[tuple[str, ...]]) -> int:
    """Length of the longest phrase of `phrases` starting at words[i] (0: none)."""
    for n in range(min(4, len(words) - i), 0, -1):
        if tuple(words[i:i + n]) in phrases:
            return n
    return 0


def _is_number_word(word: str, lex: Lexicon) -> bool:
    return word in lex.units or word in lex.scales or word in lex.modifiers


def quantities(text: str, language: str) -> list[Quantity]:
    """The quantities of a text in order. "one"/"एक" alone is an article, not a count, unless a
    scale follows (एक लाख, one million)."""
    lex = lexicon(language)
    words = tokens_of(text)
    out: list[Quantity] = []
    i = 0
    while i < len(words):
        start = i
        approx = False
        if i > 0 and any(_match_phrase(words, j, lex.approximate) == i - j for j in range(max(0, i - 3), i)):
            approx = True
        value, i = _read_number(words, i, lex)
        if value is None:
            i = start + 1
            continue
        phrase = words[start:i]
        if len(phrase) == 1 and phrase[0] in lex.weak:
            continue
        unit = None
        n = _match_phrase(words, i, lex.percent)
        if n or (i < len(words) and words[i] == "%"):
            unit, i = "%", i + (n or 1)
        elif phrase[-1][0].isdigit() and len(phrase) == 1 and 1900 <= value <= 2100 and value == int(value):
            unit = "year"
        elif (i < len(words) and words[i] in lex.months) or (start > 0 and words[start - 1] in lex.months):
            unit = "date"  # "30 अगस्त", "August 30"
        else:
            j = i
            if j < len(words) and words[j] in _SKIP_AFTER and j + 1 < len(words):
                j += 1
            if j < len(words) and not _is_number_word(words[j], lex) and not words[j][0].isdigit():
                unit = stem(words[j])
        out.append(Quantity(value=value, unit=unit, text=" ".join(phrase), approximate=approx,
                            tolerance=_tolerance(phrase, value, approx)))
    return out


def _tolerance(phrase: list[str], value: float, approximate: bool) -> float:
    """Half a unit of the last digit written before a scale ("4.3 लाख": ± 5,000; "1.5 million":
    ± 50,000), and 2% of a number said to be approximate ("about 3,000")."""
    slack = 0.0
    first = phrase[0]
    if first[0].isdigit() and "." in first and len(phrase) > 1:
        decimals = len(first.split(".")[1])
        slack = 0.5 * 10 ** -decimals * value / float(first.replace(",", ""))
    if approximate:
        slack = max(slack, 0.02 * abs(value))
    return slack


def _read_number(words: list[str], i: int, lex: Lexicon) -> tuple[float | None, int]:
    """Read one number phrase at words[i]: digits or words, then scales ("3.5 million",
    "चालीस हजार", "two hundred and fifty", "साढ़े तीन लाख"). Returns (value, next index)."""
    total, current, seen = 0.0, 0.0, False
    pending_modifier = 0.0
    while i < len(words):
        word = words[i]
        digits = _digits(word)
        if digits is not None and not seen:
            current, seen = digits, True
        elif word in lex.modifiers and i + 1 < len(words) and (words[i + 1] in lex.units or _digits(words[i + 1])):
            pending_modifier = lex.modifiers[word]
        elif word in lex.units and (not seen or current == 0 or (current >= 100 and current % 100 == 0)
                                    or lex.units[word] < 10 <= current % 100 and current % 10 == 0):
            # "twenty five" composes, so does "hundred and three"; "three four" does not
            current += lex.units[word] + pending_modifier
            pending_modifier, seen = 0.0, True
        elif word in lex.scales and (seen or (i > 0 and words[i - 1] == "a")):
            if i > 0 and words[i - 1] == "a" and not current:
                current = 1.0
            scale = lex.scales[word]
            if current == 0 and total and words[i - 1] in lex.scales:
                total *= scale  # "1.2 lakh crore", "हजार करोड़": a scale of a scale
                i += 1
                continue
            current = current or 1.0
            if scale == 100:
                current *= scale
            else:
                total += current * scale
                current = 0.0
            seen = True
        elif word in lex.joiners and seen and i + 1 < len(words) and words[i + 1] in lex.units:
            pass
        elif word == "a" and i + 1 < len(words) and words[i + 1] in lex.scales and (not seen or current < 1):
            pass  # "a million", "half a million"
        else:
            break
        i += 1
    if not seen:
        return None, i
    return total + current, i
