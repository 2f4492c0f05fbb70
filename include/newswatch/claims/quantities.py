"""Quantities a claim states: digits (ASCII and Devanagari, 10,000 and the Indian 1,00,000
grouping, decimals), English and Hindi number words and scales (three / thirteen, तीन / तीस,
twenty-five, 1.2 million, करीब चालीस हजार, साढ़े तीन लाख, डेढ़ करोड़), vague magnitudes
(thousands, हजारों), percentages, and the word after each as its unit. The word tables are data
(`numbers/<lang>.yaml`); both languages' tables are read together, so mixed text works too."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex
import yaml

from newswatch.claims.folding import fold_with_map


@dataclass(frozen=True)
class Quantity:
    value: float
    start: int  # offsets in the text as given
    end: int
    unit: str | None = None  # "%" or the (folded) word after the number: "soldiers", "सैनिक"
    approximate: bool = False  # "thousands", "हजारों"


@dataclass(frozen=True)
class _Tables:
    words: dict[str, float]
    article_words: frozenset[str]
    scales: dict[str, float]
    fractions: dict[str, float]
    prefixes: dict[str, float]
    approximate: dict[tuple[str, ...], float]
    percent: tuple[tuple[str, ...], ...]
    joiners: frozenset[str]


_TOKEN = regex.compile(r"\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{M}]+|%|-")


def _key(word: str) -> str:
    return fold_with_map(str(word))[0].strip()


@cache
def _tables() -> _Tables:
    folder = resources.files("newswatch.claims") / "numbers"
    merged: dict[str, dict] = {k: {} for k in ("words", "scales", "fractions", "prefixes", "approximate")}
    article, percent, joiners = set(), set(), set()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml"):
            continue
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in merged:
            for word, value in (raw.get(key) or {}).items():
                merged[key][_key(word)] = float(value)
        article |= {_key(w) for w in raw.get("article_words", [])}
        percent |= {tuple(_key(w).split()) for w in raw.get("percent", [])}
        joiners |= {_key(w) for w in raw.get("joiners", [])}
    return _Tables(merged["words"], frozenset(article), merged["scales"], merged["fractions"], merged["prefixes"],
                   {tuple(k.split()): v for k, v in merged["approximate"].items()},
                   tuple(sorted(percent, key=len, reverse=True)), frozenset(joiners))


def _digits(token: str) -> float | None:
    """10,000 / 1,00,000 / 3.5 / ४५ as a number; None for a date or version (12.09.2023)."""
    ascii_token = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in token)
    if ascii_token.count(".") > 1:
        return None
    try:
        return float(ascii_token.replace(",", ""))
    except ValueError:
        return None


def _phrase_at(toks: list[tuple[str, int, int]], i: int, phrases) -> int:
    """The number of tokens of the longest phrase of `phrases` starting at toks[i] (0: none)."""
    for phrase in sorted(phrases, key=len, reverse=True):
        if tuple(t[0] for t in toks[i:i + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def quantities(text: str) -> list[Quantity]:
    """Every quantity of the text, in order."""
    tables = _tables()
    folded, where = fold_with_map(text)
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(folded)]
    out: list[Quantity] = []

    def starts_number(j: int) -> bool:
        if j >= len(toks):
            return False
        t = toks[j][0]
        nxt = toks[j + 1][0] if j + 1 < len(toks) else ""
        return (t[0].isdigit() and _digits(t) is not None) or (t in tables.words and t not in tables.article_words) \
            or t in tables.fractions or (t in tables.article_words and (nxt in tables.scales or nxt in tables.fractions)) \
            or (t in tables.prefixes and starts_number(j + 1) or (t in tables.prefixes and nxt in tables.scales))

    def finish(value: float, first: int, j: int, approximate: bool) -> int:
        unit = None
        n = _phrase_at(toks, j, tables.percent)
        if n:
            unit, j = "%", j + n
        elif j < len(toks) and toks[j][0][0].isalpha():
            k = j + 1 if toks[j][0] == "of" and j + 1 < len(toks) else j  # "thousands of troops"
            unit = toks[k][0] if toks[k][0][0].isalpha() else None
        last = (j - 1) if unit != "%" else j - 1
        out.append(Quantity(value, where[toks[first][1]], where[toks[last][2] - 1] + 1, unit, approximate))
        return j

    i = 0
    while i < len(toks):
        n = _phrase_at(toks, i, tables.approximate)
        if n:
            i = finish(tables.approximate[tuple(t[0] for t in toks[i:i + n])], i, i + n, True)
            continue
        if not starts_number(i):
            i += 1
            continue
        total = current = 0.0
        prefix = 0.0
        have = False
        j = i
        while j < len(toks):
            t = toks[j][0]
            nxt = toks[j + 1][0] if j + 1 < len(toks) else ""
            if t[0].isdigit():
                value = _digits(t)
                if value is None or (have and current):
                    break
                current, have = current + value, True
            elif t in tables.prefixes and (starts_number(j + 1) or nxt in tables.scales):
                prefix = tables.prefixes[t]
            elif t in tables.article_words and (nxt in tables.scales or nxt in tables.fractions):
                if not (have and t in ("a", "an")):  # "half a million": the article is no one
                    current, have = current + 1, True
            elif t in tables.words and t not in tables.article_words:
                if have and current and current % 10 == 0 and tables.words[t] >= 10:
                    break  # "ten twenty": two numbers
                current, have, prefix = current + tables.words[t] + prefix, True, 0.0
            elif t in tables.fractions and not (have and current):
                current, have = current + tables.fractions[t], True
            elif t in tables.scales and (have or prefix):
                scale = tables.scales[t]
                base = (current or 1.0) + (prefix if not current else 0.0)
                prefix = 0.0
                if scale == 100:
                    current = base * 100
                else:
                    total, current = total + base * scale, 0.0
                have = True
            elif t in tables.joiners and have and nxt in tables.words:
                pass  # "one hundred and five", "twenty-five"
            else:
                break
            j += 1
        if not have:
            i += 1
            continue
        i = finish(total + current, i, j, False)
    return out


def values(text: str) -> list[float]:
    """The values of the text's quantities, in order."""
    return [q.value for q in quantities(text)]
