"""Page metadata readers: JSON-LD and <meta> tags, in every shape publishers produce.

JSON-LD arrives as one object, a list, an `@graph`, objects nested under `mainEntity`; a field
the schema calls a string may be a list, an object (`{"@type": "ImageObject", "url": [...]}`), a
number or null; strings carry HTML entities (`&#039;`, `&lsquo;…&rsquo;`, even `&amp;#039;`) and
markup; times come with `Z`, `+05:30`, `+5:30`, `+0530` or no offset at all. Every reader here
takes any of these and returns plain text (or None), never raises on a shape.

A time without an offset is the publisher's wall clock: it is read in the zone the caller gives
(the feed's or site's setting, Asia/Kolkata by default for Indian publishers), never as UTC.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any
from urllib.parse import urljoin

import regex
from lxml import etree
from lxml.html import HtmlElement

from newswatch.text.sanitize import plain_text

_OFFSET = regex.compile(r"([+-])(\d{1,2}):?(\d{2})$")
_ISO = regex.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?P<zone>Z|UTC|GMT|[+-]\d{1,2}:?\d{2})?)?$",
    regex.I)
ARTICLE_TYPES = ("Article", "BlogPosting", "LiveBlogPosting", "Report", "ClaimReview")
ORG_TYPES = ("Organization", "NewsMediaOrganization", "Corporation", "OnlineBusiness", "WebSite")


def text_of(value: Any) -> str | None:
    """Plain text of a JSON-LD/meta value: the first string in a list, an object's name/text/@value,
    HTML entities unescaped (repeatedly), markup stripped, whitespace collapsed (sanitize.plain_text)."""
    if isinstance(value, list):
        return next((t for t in (text_of(v) for v in value) if t), None)
    if isinstance(value, dict):
        for key in ("name", "text", "@value", "headline", "caption"):
            found = text_of(value.get(key))
            if found:
                return found
        return None
    if not isinstance(value, str):  # numbers, booleans, null: no text (a headline of 42 is no headline)
        return None
    # the stored fields' own rule (script and style go with their content), so what is read is what is stored
    return plain_text(value, len(value)) or None


def url_of(value: Any) -> str | None:
    """A URL out of a string, an ImageObject (`url`, `contentUrl`, each maybe a list) or a list."""
    if isinstance(value, list):
        return next((u for u in (url_of(v) for v in value) if u), None)
    if isinstance(value, dict):
        for key in ("url", "contentUrl"):
            found = url_of(value.get(key))
            if found:
                return found
        return None
    if isinstance(value, str) and value.strip() and not value.strip().startswith(("{", "[")):
        return value.strip()
    return None


def types_of(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type")
    return [k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)]


@dataclass(frozen=True)
class Credit:
    """One author as the metadata names it, and whether it says it is an organisation."""

    name: str
    is_org: bool = False


def credits_of(value: Any) -> list[Credit]:
    values = value if isinstance(value, list) else [value]
    out: list[Credit] = []
    for v in values:
        if isinstance(v, dict):
            name = text_of(v.get("name"))
            if name:
                out.append(Credit(name, any(t in ORG_TYPES for t in types_of(v))))
        else:
            name = text_of(v)
            if name and not name.startswith("http"):
                out.append(Credit(name))
    return out


def parse_time(value: Any, tz: tzinfo) -> tuple[datetime | None, bool]:
    """(aware datetime, whether it was naive and read in `tz`). Accepts ISO 8601 with `T` or a space,
    `Z`/`UTC`, offsets with or without a colon or a leading zero; anything else → (None, False)."""
    raw = text_of(value)
    if not raw:
        return None, False
    match = _ISO.match(raw.strip())
    if not match:
        return None, False
    clock = (match["time"] or "00:00").replace(",", ".")
    try:
        parsed = datetime.fromisoformat(f"{match['date']}T{clock.zfill(len(clock) + 1) if clock[1] == ':' else clock}")
    except ValueError:
        return None, False
    zone = (match["zone"] or "").upper()
    if zone in ("Z", "UTC", "GMT"):
        return datetime.fromisoformat(parsed.isoformat() + "+00:00"), False
    offset = _OFFSET.match(zone)
    if offset:
        sign, hours, minutes = offset.groups()
        try:
            return datetime.fromisoformat(f"{parsed.isoformat()}{sign}{int(hours):02d}:{minutes}"), False
        except ValueError:
            return None, False
    return parsed.replace(tzinfo=tz), True


def jsonld_items(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page: lists, @graph and mainEntity walked; broken scripts skipped
    (raw newlines inside strings are accepted: many CMSs emit them)."""
    items: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads((script.text or "").strip() or "null", strict=False)
        except (json.JSONDecodeError, ValueError, RecursionError):
            continue
        stack = [data]
        while stack and len(items) < 200:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                items.append(item)
                for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                    if isinstance(item.get(key), (list, dict)):
                        stack.append(item[key])
    return items


def jsonld_articles(tree: HtmlElement) -> list[dict[str, Any]]:
    return [i for i in jsonld_items(tree) if any(t.endswith(ARTICLE_TYPES) for t in types_of(i))]


def meta_tags(tree: HtmlElement) -> dict[str, str]:
    """Every <meta> content by its property / name / itemprop (first one wins), read once."""
    found: dict[str, str] = {}
    for tag in tree.iterfind(".//meta"):
        content = (tag.get("content") or "").strip()
        for attr in ("property", "name", "itemprop"):
            key = tag.get(attr)
            if key and content:
                found.setdefault(key.strip().lower(), content)
    return found


def first(tags: dict[str, str], *keys: str) -> str | None:
    return next((tags[k.lower()] for k in keys if k.lower() in tags), None)


@dataclass
class PageMeta:
    title: str | None = None
    credits: list[Credit] = field(default_factory=list)
    meta_author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None
    naive_times: bool = False  # a time without an offset was read in the publisher's zone
    canonical: str | None = None
    site_name: str | None = None
    publisher: str | None = None
    image: str | None = None
    free: bool | None = None
    article_body: str | None = None
    description: str | None = None


def read_page_meta(tree: HtmlElement, url: str, tz: tzinfo) -> PageMeta:
    meta = PageMeta()
    items = jsonld_items(tree)
    by_id = {i["@id"]: i for i in items if isinstance(i.get("@id"), str) and len(i) > 1}

    def deref(value: Any) -> Any:  # Yoast-style graphs point at their parts: {"@id": ".../#primaryimage"}
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
            return by_id.get(value["@id"], value)
        if isinstance(value, list):
            return [deref(v) for v in value]
        return value

    for item in [i for i in items if any(t.endswith(ARTICLE_TYPES) for t in types_of(i))]:
        is_claim = "ClaimReview" in types_of(item)  # its datePublished is the review's, its author the org
        if not is_claim:
            meta.title = meta.title or text_of(item.get("headline"))
            meta.credits = meta.credits or credits_of(deref(item.get("author")))
            for key in ("datePublished", "dateModified"):
                value, naive = parse_time(item.get(key), tz)
                if value is not None and getattr(meta, "published" if key == "datePublished" else "modified") is None:
                    setattr(meta, "published" if key == "datePublished" else "modified", value)
                    meta.naive_times = meta.naive_times or naive
            meta.article_body = meta.article_body or text_of(item.get("articleBody"))
        meta.image = meta.image or url_of(deref(item.get("image"))) or url_of(item.get("thumbnailUrl"))
        meta.publisher = meta.publisher or text_of(deref(item.get("publisher")))
        if item.get("isAccessibleForFree") in (False, "False", "false"):
            meta.free = False
    tags = meta_tags(tree)
    meta.title = meta.title or text_of(first(tags, "og:title", "twitter:title"))
    author = first(tags, "author", "article:author", "byl", "dc.creator")
    meta.meta_author = text_of(author) if author and not author.startswith("http") else None
    for attr, keys in (("published", ("article:published_time", "datepublished", "pubdate", "publish-date",
                                      "article:published_date", "publishdate", "dc.date.issued")),
                       ("modified", ("article:modified_time", "datemodified", "og:updated_time",
                                     "article:modified_date"))):
        if getattr(meta, attr) is None:
            value, naive = parse_time(first(tags, *keys), tz)
            if value is not None:
                setattr(meta, attr, value)
                meta.naive_times = meta.naive_times or naive
    link = tree.find(".//link[@rel='canonical']")
    canonical = (link.get("href") if link is not None else None) or first(tags, "og:url")
    meta.canonical = _join(url, canonical)
    meta.description = text_of(first(tags, "description", "og:description", "twitter:description"))
    meta.site_name = meta.publisher or text_of(first(tags, "og:site_name", "application-name"))
    meta.image = _join(url, meta.image or first(tags, "og:image", "twitter:image"))
    return meta


def _join(base: str, ref: str | None) -> str | None:
    if not ref or not ref.strip():
        return None
    try:
        return urljoin(base, ref.strip())
    except ValueError:  # e.g. "http://[::1/x": a broken URL is no URL
        return None


_MARKED = etree.XPath("//*[@class or @id] | //time")

Marked = list[tuple[HtmlElement, str]]


def marked_elements(tree: HtmlElement) -> Marked:
    """Every element with a class or id (and every <time>), in document order, with its
    "class id" string: read once, shared by the byline, widget and paywall readers."""
    return [(el, f"{el.get('class') or ''} {el.get('id') or ''}") for el in _MARKED(tree)]
