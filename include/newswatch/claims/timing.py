"""Seconds per part of a claims assessment, so the bench and the run summary say where a night's
time goes: extract (claims and statements from text), embed (the model, and the cache's reads
and writes), retrieve (candidates from history), judge (verification of each claim), store
(claims and novelty written). A part is timed without the embedding done inside it (a story's
statements are embedded while its candidates are gathered): that time is counted as embed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields

PARTS = ("extract", "embed", "retrieve", "judge", "store")


@dataclass
class Timing:
    extract: float = 0.0
    embed: float = 0.0
    retrieve: float = 0.0
    judge: float = 0.0
    store: float = 0.0

    @contextmanager
    def part(self, name: str, embed_clock: Callable[[], float] = lambda: 0.0) -> Iterator[None]:
        """Time a block as `name`; `embed_clock` (seconds embedded so far) keeps embedding out."""
        started, embedded = time.perf_counter(), embed_clock()
        try:
            yield
        finally:
            inside = embed_clock() - embedded
            setattr(self, name, getattr(self, name) + time.perf_counter() - started - inside)

    def add(self, other: "Timing") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def total(self) -> float:
        return sum(getattr(self, p) for p in PARTS)

    def as_dict(self, digits: int = 3) -> dict[str, float]:
        return {p: round(getattr(self, p), digits) for p in PARTS}

    def describe(self) -> str:
        """"extract 0.4s, embed 9.1s, ..." for a summary line."""
        return ", ".join(f"{p} {getattr(self, p):.2f}s" for p in PARTS)
