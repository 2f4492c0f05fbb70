"""The extractor's word lists (data/extraction_words.yaml), read once and compiled."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
import yaml

from newswatch import paths

WORDS_FILE = paths.EXTRACTION_WORDS


@dataclass(frozen=True)
class ExtractionWords:
    desk: regex.Pattern[str]
    places: frozenset[str]
    related: regex.Pattern[str]
    widget: regex.Pattern[str]
    paywall_container: regex.Pattern[str]
    paywall_phrase: regex.Pattern[str]
    notice: regex.Pattern[str]
    byline_class: regex.Pattern[str]
    not_subheading: regex.Pattern[str]
    ad_labels: frozenset[str] = frozenset()


def _alternation(items: list[str], word: bool = True) -> regex.Pattern[str]:
    body = "|".join(regex.escape(i) for i in sorted(items, key=len, reverse=True))
    return regex.compile(rf"(?<![\p{{L}}\p{{M}}])(?:{body})(?![\p{{L}}\p{{M}}])" if word else f"(?:{body})",
                         regex.I | regex.V1)


@lru_cache(maxsize=1)
def words() -> ExtractionWords:
    raw = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return ExtractionWords(
        desk=_alternation(raw["desk_words"]),
        places=frozenset(p.casefold() for p in raw["dateline_places"]),
        related=_alternation(raw["related_marks"], word=False),
        widget=_alternation(raw["widget_marks"], word=False),
        paywall_container=_alternation(raw["paywall_container_marks"], word=False),
        paywall_phrase=_alternation(raw["paywall_phrases"]),
        notice=_alternation(raw["notice_phrases"]),
        byline_class=_alternation(raw["byline_class_marks"], word=False),
        not_subheading=_alternation(raw["not_subheading_phrases"]),
        ad_labels=frozenset(a.casefold() for a in raw["ad_labels"]),
    )
