"""The visible byline: who wrote the article and when, read near the headline.

Bylines are looked for where the article is — after the headline, inside the headline's own
container — never in sidebars, related-story lists, widgets or footers (a related story's date or
its writer is not this article's). Names are cleaned of "By"/"लेखक:", split when a byline credits
several people ("A & B", "A और B"), and checked against the rule of the labelling guide
(tests/fixtures/realpages/README.md): a place is never an author, and an organisation credited
alone is not one either — the organisation is the site's name; a desk ("… Desk", "… ब्यूरो") is.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import lru_cache

import regex
from lxml import etree
from lxml.html import HtmlElement

from newswatch.extract.page_meta import Credit, Marked, marked_elements, parse_time
from newswatch.extract.words import words
from newswatch.text.dates import find_dates_in
from newswatch.text.normalize import normalize_text

_PREFIX = regex.compile(r"(?:लेखक|रिपोर्ट|संवाददाता|द्वारा|written by|reported by|posted by|by)\s*[:：\-–]?\s*", regex.I)
_NAME_RUN = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}.'’\-]*(?:\s+[\p{L}\p{M}][\p{L}\p{M}.'’\-]*){0,3}")
_SEPARATORS = regex.compile(r"\s*(?:,|;|&|\||/|\s(?:and|और|एवं|तथा)\s)\s*", regex.I)
_STOP = regex.compile(r"\d|\b(?:updated|published|posted|edited|on)\b|अपडेटेड|अपडेट|प्रकाशित|संपादित|[|•·]", regex.I)
_NOT_A_NAME = regex.compile(r"^(?:अपडेटेड|अपडेट|प्रकाशित|updated|published|on|the|staff|share|follow|view|profile)$",
                            regex.I)
_UPDATED = regex.compile(r"अपडेट|updated|modified|संशोधित", regex.I)
_SKIP_TAGS = frozenset({"html", "body", "article", "main", "head", "script", "style", "noscript"})
MAX_BYLINE_CHARS = 300


# A byline often ends with the writer's social-media handle, a link to the profile ("Pallavi Mishra
# pallavimishraa_"): that link's text is not part of the name.
_SOCIAL = regex.compile(r"^(?:https?:)?//(?:[\w-]+\.)*(?:twitter|x|instagram|facebook|linkedin|threads)\.(?:com|net)/"
                        r"|^(?:https?:)?//t\.me/", regex.I)


def _text(el: HtmlElement) -> str:
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
        if isinstance(node.tag, str) and not (node.tag == "a" and _SOCIAL.match(node.get("href") or "")):
            parts.append(node.text or "")
            for child in node:
                walk(child)
        if node is not el:
            parts.append(node.tail or "")

    walk(el)
    return " ".join(" ".join(parts).split())


def _marks(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _in_other_stories(el: HtmlElement) -> bool:
    related = words().related
    ancestors = (el, *el.iterancestors())
    in_article = any(node.tag == "article" for node in ancestors)
    for node in ancestors:
        if node.tag in ("aside", "nav") or (node.tag == "footer" and not in_article):
            return True
        if related.search(_marks(node)):
            return True
    return False


_FOLLOWING = etree.XPath("following::*[@class or @id] | following::time | following::p | following::div | following::span"
                         " | following::em")


def byline_elements(tree: HtmlElement, headline: HtmlElement | None, marked: Marked | None = None) -> list[HtmlElement]:
    """Where this article's byline can be, nearest the headline first: byline-like elements and
    <time> after the headline, then the short elements right after it, then those before it
    (nearest first). Elements in sidebars, related lists and footers are left out."""
    found: list[HtmlElement] = []
    byline_class = words().byline_class
    for el, marks in marked if marked is not None else marked_elements(tree):  # document order
        if el.tag in _SKIP_TAGS:
            continue
        if (el.tag == "time" or byline_class.search(marks)) and len(el.text_content()) < MAX_BYLINE_CHARS:
            found.append(el)
    if headline is None:
        return [el for el in found if not _in_other_stories(el)]
    position = {el: i for i, el in enumerate(_FOLLOWING(headline))}
    seen = set(found)
    found += [el for el in headline.xpath("following::*[self::p or self::div or self::span or self::em][position() <= 4]")
              if el not in seen and len(el.text_content()) < MAX_BYLINE_CHARS]
    found = [el for el in found if not _in_other_stories(el)]
    after = sorted((el for el in found if el in position), key=position.__getitem__)
    after_set = set(after)
    before = [el for el in reversed(found) if el not in after_set]
    return after + before


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(normalize_text(p).casefold() for p in words().places)


def is_place(name: str) -> bool:
    return normalize_text(name).casefold() in _places()


def _squash(text: str) -> str:
    return regex.sub(r"[\s\p{P}]+", "", normalize_text(text).casefold())


def is_organisation(name: str, orgs: list[str]) -> bool:
    """The name is the site's / publisher's own (or the domain's), and not a desk of it."""
    if words().desk.search(name):
        return False
    squashed = _squash(name)
    return any(squashed and (squashed == _squash(org) or (len(_squash(org)) > 3 and squashed.startswith(_squash(org))))
               for org in orgs if org)


def split_names(text: str) -> list[str]:
    """"A & B", "A, B और C" → the names, each at most four words, places and filler words left out."""
    names = []
    for part in _SEPARATORS.split(text):
        match = _NAME_RUN.match(part.strip())
        if not match:
            continue
        tokens = match.group(0).split()
        cut = next((i for i, w in enumerate(tokens) if _NOT_A_NAME.match(w)), len(tokens))
        name = " ".join(tokens[:cut])
        if name and not is_place(name):
            names.append(name)
    return names


def names_in_byline(text: str) -> list[str]:
    """Names after "By"/"लेखक:" in a byline's text, up to a date, a time or "Updated"."""
    match = _PREFIX.search(text)
    if not match:
        return []
    rest = text[match.end():]
    stop = _STOP.search(rest)
    return split_names(rest[:stop.start()] if stop else rest)


def credited_people(credits: list[Credit], orgs: list[str]) -> list[str]:
    """Metadata credits that are writers: organisations (by type or by name) are dropped, desks kept."""
    kept = []
    for credit in credits:
        if is_place(credit.name):
            continue
        if credit.is_org and not words().desk.search(credit.name):
            continue
        if is_organisation(credit.name, orgs):
            continue
        kept.extend(split_names(credit.name) if _SEPARATORS.search(credit.name) else [credit.name])
    return kept


def byline_authors(elements: list[HtmlElement], orgs: list[str]) -> list[str]:
    """The first byline, nearest the headline, that names someone other than the site itself."""
    for el in elements:
        if el.tag == "time":
            continue
        text = _text(el)
        names = [n for n in names_in_byline(text) if not is_organisation(n, orgs)]
        if names:
            return names
        if regex.search(r"author|writer|reporter", _marks(el), regex.I) and 0 < len(text.split()) <= 4 \
                and not regex.search(r"\d", text) and not is_place(text) and not is_organisation(text, orgs):
            return [text]
    return []


def byline_dates(elements: list[HtmlElement], tz: tzinfo) -> tuple[datetime | None, datetime | None]:
    """(published, modified) from the byline nearest the headline: a date right after
    "अपडेटेड"/"Updated" is the modification time; written dates are read in the publisher's zone."""
    published = modified = None
    for el in elements:
        norm = normalize_text(_text(el))
        stamp = parse_time(el.get("datetime"), tz)[0] if el.tag == "time" else None
        dates = [(0, stamp)] if stamp else find_dates_in(norm, tz)
        for start, value in dates:
            if _UPDATED.search(norm[max(0, start - 30):start] if start else norm[:30]):
                modified = modified or value
            else:
                published = published or value
        if published is not None and modified is not None:
            break
    return published, modified


def repair_author(name: str, visible: str) -> str:
    """trafilatura drops trailing vowel signs (शर्मा → शर्म): take the page's full spelling."""
    match = regex.search(regex.escape(name) + r"\p{M}+", visible)
    return match.group(0) if match else name
