"""Labelled real publisher pages (tests/fixtures/realpages/): gold fields derived from the local page.

The manifest (a `newswatch.devsets` manifest) commits no text: per page its provenance and sha256,
and labels that point into the page — XPath expressions for the headline, the byline and the body
blocks (see the labelling guide in tests/fixtures/realpages/README.md) — plus values that are not
copied text (the publication day, the language). `load_pages` reads the verified local pages and
turns those pointers into gold strings, so what is scored is always what the page says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import regex
from lxml.html import HtmlElement

from newswatch import devsets

# Elements after which the gold body starts a new line (the rest is inline text).
_BLOCKS = frozenset({"p", "div", "section", "article", "li", "ul", "ol", "table", "tr", "h2", "h3", "h4", "h5",
                     "h6", "blockquote", "figure", "header", "footer", "aside", "br", "dd", "dt", "pre"})
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "button", "form", "iframe"})


class LabelError(ValueError):
    """A label that does not resolve on its page (an XPath that matches nothing, a bad pattern)."""


@dataclass(frozen=True)
class LabelledPage:
    id: str
    url: str
    html: bytes
    language: str
    split: str  # "tune" (in-sample) or "heldout"
    publisher: str = ""
    template: str = ""
    amp: bool = False
    title: str | None = None  # None: not labelled (the English benchmark labels only the body)
    authors: list[str] | None = None
    published: date | None = None
    has_published: bool = False  # whether the published day is labelled (None may be the label)
    tz: str = "Asia/Kolkata"
    paywalled: bool | None = None  # the page holds only part of the article (a teaser)
    body: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _ws(text: str) -> str:
    return " ".join(text.split())


def _parse(html: bytes) -> HtmlElement:
    from newswatch.extract.article import decode_html  # the page's text as the extractor decodes it

    return lxml.html.document_fromstring(decode_html(html))


def _xpath(tree: HtmlElement, expr: str, page_id: str) -> list[HtmlElement]:
    try:
        found = tree.xpath(expr)
    except Exception as exc:  # lxml raises XPathEvalError and friends
        raise LabelError(f"{page_id}: bad XPath {expr!r}: {exc}") from exc
    elements = [e for e in found if isinstance(e, HtmlElement)]
    if not elements:
        raise LabelError(f"{page_id}: XPath {expr!r} matches nothing")
    return elements


def element_lines(el: HtmlElement, excluded: set[HtmlElement]) -> list[str]:
    """The visible text of `el`, one line per block-level element, leaving out `excluded` subtrees."""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if node in excluded or not isinstance(node.tag, str) or node.tag in _SKIP:
            return
        block = node.tag in _BLOCKS
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(el)
    return [line for line in (_ws(x) for x in "".join(parts).split("\n")) if line]


def _jsonld_value(tree: HtmlElement, dotted: str) -> list[str]:
    """Values at a dotted path in the page's JSON-LD article objects (lists are walked)."""
    out: list[str] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        items = []
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                items.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
        for item in items:
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(isinstance(k, str) and (k.endswith("Article") or k == "BlogPosting") for k in kinds):
                continue
            values: list[Any] = [item]
            for part in dotted.split("."):
                nxt: list[Any] = []
                for v in values:
                    for x in v if isinstance(v, list) else [v]:
                        if isinstance(x, dict) and part in x:
                            nxt.append(x[part])
                values = nxt
            for v in values:
                for x in v if isinstance(v, list) else [v]:
                    if isinstance(x, str) and x.strip():
                        out.append(_ws(x))
    return out


def _author_names(tree: HtmlElement, labels: list[dict[str, Any]], page_id: str) -> list[str]:
    names: list[str] = []
    for label in labels:
        if "jsonld" in label:
            found = _jsonld_value(tree, label["jsonld"])
            if not found:
                raise LabelError(f"{page_id}: JSON-LD {label['jsonld']} is empty")
            names.extend(found)
            continue
        text = _ws(" ".join(_xpath(tree, label["xpath"], page_id)[0].itertext()))
        if "pattern" in label:
            match = regex.search(label["pattern"], text)
            if not match:
                raise LabelError(f"{page_id}: pattern {label['pattern']!r} not in {text[:80]!r}")
            text = _ws(match["name"])
        names.append(text)
    return names


def _body(tree: HtmlElement, label: dict[str, Any], page_id: str) -> str:
    excluded: set[HtmlElement] = set()
    for expr in label.get("exclude", []):
        excluded.update(_xpath(tree, expr, page_id))
    blocks: list[HtmlElement] = []
    for expr in label["blocks"]:
        blocks.extend(_xpath(tree, expr, page_id))
    # In document order, and a block inside another block counted once.
    order = {el: i for i, el in enumerate(tree.iter())}
    chosen = sorted(set(blocks), key=lambda el: order.get(el, 0))
    kept = [el for el in chosen if not any(a in chosen for a in el.iterancestors())]
    return "\n".join(line for el in kept for line in element_lines(el, excluded))


def resolve(source: devsets.Source, html: bytes, texts: dict[str, str | bytes]) -> LabelledPage:
    """Gold fields of one page from its labels (`source.meta`) and its verified bytes."""
    meta = source.meta
    tree = _parse(html)
    title = None
    if "title" in meta:
        title = _ws(" ".join(_xpath(tree, meta["title"]["xpath"], source.id)[0].itertext()))
    authors = _author_names(tree, meta["authors"], source.id) if "authors" in meta else None
    body_label = meta.get("body") or {}
    if "source" in body_label:  # the benchmark's own ground truth, a text of the same manifest
        gold = texts.get(body_label["source"])
        if not isinstance(gold, str):
            raise LabelError(f"{source.id}: gold body {body_label['source']} is not loaded")
        body = gold
    elif body_label:
        body = _body(tree, body_label, source.id)
    else:
        body = ""
    published = meta.get("published")
    if isinstance(published, str):
        published = date.fromisoformat(published)
    return LabelledPage(
        id=source.id, url=meta.get("url", ""), html=html, language=meta.get("language", ""),
        split=meta.get("split", "tune"), publisher=meta.get("publisher", ""), template=meta.get("template", ""),
        amp=bool(meta.get("amp")), title=title, authors=authors, published=published,
        has_published="published" in meta, tz=meta.get("tz", "Asia/Kolkata"), body=body,
        paywalled=meta.get("paywalled"),
        extra={k: v for k, v in meta.items() if k in ("notes",)})


def load_pages(manifest_path: str | Path) -> list[LabelledPage]:
    """Every labelled page of the manifest that is present locally (verified by sha256)."""
    manifest = devsets.read_manifest(manifest_path)
    texts = devsets.load(manifest)
    pages = []
    for source in manifest.sources:
        if source.meta.get("role") == "gold" or source.id not in texts:
            continue
        html = texts[source.id]
        if isinstance(html, str):
            html = html.encode("utf-8")
        pages.append(resolve(source, html, texts))
    return pages
