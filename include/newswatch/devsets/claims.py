"""The claims and novelty development set: real articles with every claim labelled, and claim pairs.

The set lives in `tests/fixtures/realtext/claims/` (README.md is the labelling guide):
`sources.yaml` is a `newswatch.devsets` manifest whose entries also carry the labels (claim spans,
speaker spans, cue, as code-point offsets into the selected text), and `pairs.yaml` holds claim
pairs whose sides are labelled claims (real text) or texts we wrote ourselves.

- `read_labels(folder)` reads both files without any text (what CI can check: `problems()`).
- `load(folder)` reads the texts through `devsets.load` (each verified against its sha256) and
  resolves every offset to a string: `DevArticle`s and `DevPair`s ready to measure on.
- `heldout_events(events)` is the split rule, recomputed here so a label file cannot drift from it:
  events ordered by the sha256 of their name, the first third (rounded up) held out.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newswatch import devsets, paths

DEFAULT_DIR = paths.CLAIMS_LABELS

# kind → whether the two sides state the same proposition (README, section 4)
KINDS: dict[str, bool] = {
    "restatement": True, "paraphrase": True, "translation": True, "other-speaker-confirms": True,
    "changed-number": False, "changed-polarity": False, "changed-modality": False,
    "same-event-different-claim": False, "different-event": False,
}
LANGUAGES = ("hi", "en")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str = ""  # filled by load(); empty in read_labels()


@dataclass(frozen=True)
class DevClaim:
    id: str
    span: Span
    speakers: tuple[Span, ...]  # empty: no speaker named (anonymous or generic source)
    cue: Span | None
    language: str
    note: str | None = None


@dataclass(frozen=True)
class DevArticle:
    id: str
    language: str
    text: str
    claims: tuple[DevClaim, ...]
    event: str
    outlet: str
    form: str  # "article" | "summary"
    heldout: bool
    meta: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class PairSide:
    lang: str
    article: str | None = None  # a labelled claim ...
    claim: str | None = None
    text: str | None = None  # ... or a text we wrote (from side a)


@dataclass(frozen=True)
class DevPair:
    id: str
    kind: str
    same: bool
    a_text: str
    b_text: str
    a_lang: str
    b_lang: str
    heldout: bool
    a: PairSide
    b: PairSide
    note: str | None = None

    @property
    def cross_lingual(self) -> bool:
        return self.a_lang != self.b_lang


@dataclass(frozen=True)
class Labels:
    manifest: devsets.Manifest
    articles: dict[str, DevArticle]  # texts empty
    pairs: list[DevPair]  # texts empty for real sides
    raw_pairs: list[dict[str, Any]]


def heldout_events(events: Iterable[str]) -> set[str]:
    ordered = sorted(set(events), key=lambda e: hashlib.sha256(e.encode("utf-8")).hexdigest())
    return set(ordered[: math.ceil(len(ordered) / 3)])


def _span(raw: Any) -> Span:
    start, end = raw
    return Span(int(start), int(end))


def _article(source: devsets.Source, text: str = "") -> DevArticle:
    meta = source.meta
    claims = []
    for raw in meta.get("claims") or []:
        speakers = tuple(_span(s) for s in raw.get("speakers") or [])
        cue = _span(raw["cue"]) if raw.get("cue") else None
        claims.append(DevClaim(str(raw["id"]), _span(raw["span"]), speakers, cue,
                               raw.get("language") or meta["language"], raw.get("note")))
    return DevArticle(source.id, meta["language"], text, tuple(claims), meta["event"], meta.get("outlet", ""),
                      meta.get("form", "article"), bool(meta.get("heldout")),
                      {k: v for k, v in meta.items() if k != "claims"})


def _side(raw: dict[str, Any], articles: dict[str, DevArticle]) -> PairSide:
    if "article" in raw:
        article = articles.get(str(raw["article"]))
        claim = next((c for c in article.claims if c.id == str(raw["claim"])), None) if article else None
        return PairSide(claim.language if claim else "", str(raw["article"]), str(raw["claim"]))
    return PairSide(str(raw.get("lang", "")), text=str(raw.get("text", "")))


def read_labels(folder: str | Path = DEFAULT_DIR) -> Labels:
    folder = Path(folder)
    manifest = devsets.read_manifest(folder / "sources.yaml")
    articles = {s.id: _article(s) for s in manifest.sources}
    raw_pairs = (yaml.safe_load((folder / "pairs.yaml").read_text(encoding="utf-8")) or {}).get("pairs") or []
    pairs = []
    for raw in raw_pairs:
        a, b = _side(raw["a"], articles), _side(raw["b"], articles)
        pairs.append(DevPair(str(raw["id"]), str(raw["kind"]), bool(raw["same"]), a.text or "", b.text or "",
                             a.lang, b.lang, bool(raw.get("heldout")), a, b, raw.get("note")))
    return Labels(manifest, articles, pairs, raw_pairs)


def problems(labels: Labels) -> list[str]:
    """What is wrong with the label files, checked without any text: ids, kinds, references, split."""
    out: list[str] = []
    held = heldout_events(a.event for a in labels.articles.values())
    for article in labels.articles.values():
        if article.language not in LANGUAGES:
            out.append(f"{article.id}: language {article.language!r}")
        if article.heldout != (article.event in held):
            out.append(f"{article.id}: heldout is {article.heldout}, the split rule says {article.event in held}")
        ids = [c.id for c in article.claims]
        if len(ids) != len(set(ids)):
            out.append(f"{article.id}: duplicate claim ids")
        spans = sorted((c.span.start, c.span.end) for c in article.claims)
        for claim in article.claims:
            for s in (claim.span, *claim.speakers, *([claim.cue] if claim.cue else [])):
                if not 0 <= s.start < s.end:
                    out.append(f"{article.id}/{claim.id}: bad span [{s.start}, {s.end})")
            if claim.language not in LANGUAGES:
                out.append(f"{article.id}/{claim.id}: language {claim.language!r}")
        out += [f"{article.id}: overlapping claims {x} {y}" for x, y in zip(spans, spans[1:]) if x[1] > y[0]]
    ids = [p.id for p in labels.pairs]
    if len(ids) != len(set(ids)):
        out.append("pairs: duplicate ids")
    for pair, raw in zip(labels.pairs, labels.raw_pairs):
        if pair.kind not in KINDS:
            out.append(f"{pair.id}: kind {pair.kind!r} not in {sorted(KINDS)}")
        elif pair.same != KINDS[pair.kind]:
            out.append(f"{pair.id}: same={pair.same} contradicts kind {pair.kind}")
        for name, side in (("a", pair.a), ("b", pair.b)):
            if side.article is not None:
                article = labels.articles.get(side.article)
                if article is None or side.claim not in {c.id for c in article.claims}:
                    out.append(f"{pair.id}.{name}: no claim {side.article}/{side.claim}")
            elif not (side.text or "").strip():
                out.append(f"{pair.id}.{name}: neither a labelled claim nor a text")
            elif name == "a" or raw[name].get("from") != "a":
                out.append(f"{pair.id}.{name}: a written side must be side b, made from side a")
            if side.lang not in LANGUAGES:
                out.append(f"{pair.id}.{name}: language {side.lang!r}")
        if pair.a.article is None:
            continue
        events = {labels.articles[s.article].event for s in (pair.a, pair.b) if s.article in labels.articles}
        if pair.heldout != bool(events & held):
            out.append(f"{pair.id}: heldout is {pair.heldout}, the split rule says {bool(events & held)}")
        if pair.kind == "translation" and not pair.cross_lingual:
            out.append(f"{pair.id}: a translation pair within one language")
    return out


def _resolved(article: DevArticle, text: str) -> DevArticle:
    def fill(s: Span) -> Span:
        if s.end > len(text):
            raise devsets.DevsetError(f"{article.id}: span [{s.start}, {s.end}) beyond the text ({len(text)})")
        return Span(s.start, s.end, text[s.start:s.end])

    claims = tuple(DevClaim(c.id, fill(c.span), tuple(fill(s) for s in c.speakers), fill(c.cue) if c.cue else None,
                            c.language, c.note) for c in article.claims)
    return DevArticle(article.id, article.language, text, claims, article.event, article.outlet, article.form,
                      article.heldout, article.meta)


@dataclass(frozen=True)
class DevSet:
    articles: dict[str, DevArticle]
    pairs: list[DevPair]
    missing: tuple[str, ...]  # texts not filled locally (their articles and pairs are left out)


def load(folder: str | Path = DEFAULT_DIR, *, required: bool = False) -> DevSet:
    """The set with its texts: articles present locally (verified by sha256), and every pair whose
    real sides are present. With `required`, a missing text raises instead."""
    labels = read_labels(folder)
    texts = devsets.load(labels.manifest, required=required)
    articles = {aid: _resolved(a, texts[aid]) for aid, a in labels.articles.items() if isinstance(texts.get(aid), str)}

    def text_of(side: PairSide) -> str | None:
        if side.article is None:
            return side.text
        article = articles.get(side.article)
        return next((c.span.text for c in article.claims if c.id == side.claim), None) if article else None

    pairs = []
    for p in labels.pairs:
        a, b = text_of(p.a), text_of(p.b)
        if a is not None and b is not None:
            pairs.append(DevPair(p.id, p.kind, p.same, a, b, p.a_lang, p.b_lang, p.heldout, p.a, p.b, p.note))
    missing = tuple(aid for aid in labels.articles if aid not in articles)
    return DevSet(articles, pairs, missing)
