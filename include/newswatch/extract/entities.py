"""Entities per article: gazetteer people, places and organisations matched on normalised
tokens (so "किम जोंग-उन" and "Kim Jong Un" both give kim_jong_un), plus the numbers and the
dates the text mentions. Hindi and English reports of one event share these ids."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from newswatch.config import Gazetteer, GazetteerEntry
from newswatch.text.dates import find_dates
from newswatch.text.normalize import contains_phrase, tokens

MAX_NUMBERS = 50


@dataclass
class Entities:
    people: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return asdict(self)


class EntityMatcher:
    def __init__(self, gazetteer: Gazetteer) -> None:
        def phrases(entries: list[GazetteerEntry]) -> list[tuple[str, list[list[str]]]]:
            return [(e.id, [tokens(alias) for alias in [*e.hi, *e.en] if tokens(alias)]) for e in entries]

        self._kinds = {"people": phrases(gazetteer.people), "places": phrases(gazetteer.places),
                       "organisations": phrases(gazetteer.organisations)}

    def match(self, text: str) -> Entities:
        words = tokens(text)
        present = set(words)
        found = Entities()
        for kind, entries in self._kinds.items():
            ids = [entity_id for entity_id, aliases in entries
                   if any(a[0] in present and contains_phrase(words, a) for a in aliases)]
            setattr(found, kind, ids)
        numbers = dict.fromkeys(w for w in words if w.isdigit())  # Devanagari digits are ASCII by now
        found.numbers = list(numbers)[:MAX_NUMBERS]
        found.dates = list(dict.fromkeys(d.date().isoformat() for d in find_dates(text)))
        return found
