"""Body cleaning around trafilatura: what must go before it reads the page, and after.

Before: hidden copies of the text (a text-to-speech copy in a `display:none` block doubles the
body) and widgets (a weather, score or market widget of thousands of "words" outweighs a short
article) are cut out of the tree. After: the headline repeated as the first line and the site's
notices ("Redistribution by subscribers only.") are dropped from the text. The paragraph pass is
the fallback when trafilatura finds too little.
"""

from __future__ import annotations

from collections import Counter

import regex
from lxml import etree
from lxml.html import HtmlElement

from newswatch.extract.page_meta import Marked, marked_elements
from newswatch.extract.words import words
from newswatch.text.normalize import normalize_text

_HIDDEN_STYLE = regex.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", regex.I)
_HIDDEN_CLASS = regex.compile(r"(?:^|\s)(?:hidden|d-none|hide|sr-only|visually-hidden)(?:\s|$)", regex.I)
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_SENTENCE_END = regex.compile(r"[.!?।॥]")
# Cheap C-level prefilters; the Python checks below decide.
_MAYBE_HIDDEN = etree.XPath(".//*[@hidden or @aria-hidden or contains(@style, 'none') or contains(@style, 'hidden')"
                            " or contains(@class, 'hid') or contains(@class, 'none') or contains(@class, 'only')]")
_WIDGET_TAGS = frozenset({"div", "section", "aside", "table", "ul", "ol", "iframe"})
WIDGET_MIN_WORDS = 1500  # an unmarked block this big, with no prose in it, is a widget
DUPLICATE_SHARE = 0.6  # a hidden block whose words are this much elsewhere on the page is a copy


def _text(el: HtmlElement) -> str:
    return " ".join(" ".join(el.itertext()).split())


def _marks(el: HtmlElement) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def is_hidden(el: HtmlElement) -> bool:
    return (el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true"
            or bool(_HIDDEN_STYLE.search(el.get("style") or "")) or bool(_HIDDEN_CLASS.search(el.get("class") or "")))


def _remove(el: HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:  # keep the text that follows the removed element
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def drop_hidden_copies(tree: HtmlElement, keep: HtmlElement | None = None) -> int:
    """Cut hidden blocks out: copies of visible text always, other hidden chrome (menus, modals,
    JSON kept in a hidden span) too — unless the hidden block is most of the page's text and found
    nowhere else (an article a script reveals). Returns how many were cut."""
    body = tree.find("body") if tree.find("body") is not None else tree
    protected = set(keep.iterancestors()) | {keep} if keep is not None else set()
    hidden = [el for el in _MAYBE_HIDDEN(body) if el.tag not in ("script", "style", "template")
              and el not in protected and is_hidden(el)]
    hidden_set = set(hidden)
    hidden = [el for el in hidden if not any(a in hidden_set for a in el.iterancestors())]  # outermost only
    if not hidden:
        return 0
    total = Counter(body.text_content().split())
    size = sum(total.values())
    cut = 0
    for el in hidden:
        own = Counter(el.text_content().split())
        n = sum(own.values())
        # the share of its words that the page has outside this block too
        duplicate = n > 0 and sum(c for w, c in own.items() if total[w] > c) / n >= DUPLICATE_SHARE
        if n == 0 or duplicate or n < 0.5 * size:
            _remove(el)
            cut += 1
    return cut


def prose_like(text: str) -> bool:
    tokens = _WORD.findall(text)
    if not tokens:
        return False
    digits = sum(t.isdigit() for t in tokens) / len(tokens)
    sentences = len(_SENTENCE_END.findall(text)) / len(tokens)
    return digits < 0.3 and sentences >= 0.02


def drop_widgets(tree: HtmlElement, headline: HtmlElement | None, marked: Marked | None = None) -> int:
    """Cut widgets out: blocks whose class/id names a widget (weather, scorecard, ticker). `html`, the
    `marked`: the page's marked elements, when the caller has them."""
    protected = set(headline.iterancestors()) | {headline} if headline is not None else set()
    widget = words().widget
    cut = 0
    for el, marks in marked if marked is not None else marked_elements(tree):
        if el.tag not in _WIDGET_TAGS or el in protected or el.getparent() is None:
            continue
        if widget.search(marks):
            _remove(el)
            cut += 1
    return cut


def drop_big_non_prose(tree: HtmlElement, headline: HtmlElement | None) -> int:
    """Cut big blocks that are not prose (mostly numbers, no sentences) and do not hold the headline:
    an unmarked widget. Run when the body trafilatura found looks like one (it costs a pass)."""
    protected = set(headline.iterancestors()) | {headline} if headline is not None else set()
    cut = 0
    body = tree.find("body")
    stack = [body] if body is not None else []
    depth = 0
    while stack and depth < 8:
        nxt = []
        for node in stack:
            for child in node:
                if not isinstance(child.tag, str) or child.tag in ("script", "style"):
                    continue
                raw = child.text_content()
                if len(raw) < 4 * WIDGET_MIN_WORDS:  # too short to be a big widget: skip the count
                    continue
                text = " ".join(raw.split())
                if len(_WORD.findall(text)) < WIDGET_MIN_WORDS:
                    continue
                if child not in protected and not prose_like(text):
                    _remove(child)
                    cut += 1
                else:
                    nxt.append(child)
        stack, depth = nxt, depth + 1
    return cut


_SUBHEAD_TAGS = frozenset({"div", "h2", "h3", "h4", "h5", "h6", "strong", "b"})
_TERMINAL = regex.compile(r"[.!?।॥:;,]$")
_CODE = regex.compile(r"[{}<>=]|/\*|\b(?:published|updated)\b|\d{1,2}:\d{2}", regex.I)
SUBHEAD_MAX_WORDS = 20


def _subheading(el: HtmlElement, text: str) -> bool:
    """A short heading-like line of the article's own container (not a link, caption, ad, "also read")."""
    if el.tag not in _SUBHEAD_TAGS or is_hidden(el):
        return False
    n = len(text.split())
    if not 2 <= n <= SUBHEAD_MAX_WORDS or _TERMINAL.search(text):
        return False
    w = words()
    if w.not_subheading.search(text) or w.related.search(_marks(el)) or w.byline_class.search(_marks(el)):
        return False
    if el.find(".//img") is not None or el.find(".//script") is not None or _CODE.search(text):
        return False
    linked = sum(len(a.text_content()) for a in el.iter("a"))
    return linked < 0.5 * len(text)


def _key(text: str) -> str:
    return " ".join(text.split())


def recover_subheadings(tree: HtmlElement, text: str) -> str:
    """Put back the subheadings trafilatura drops: short heading-like lines (a <div> or <h3> between
    two paragraphs it kept, in the same container), in their place. `tree`: as trafilatura left it."""
    lines = text.split("\n")
    if len(lines) < 2:
        return text
    index: dict[str, int] = {}
    for i, line in enumerate(lines):
        index.setdefault(_key(line), i)
    parents: Counter[HtmlElement] = Counter()
    for p in tree.iter("p"):
        if _key(p.text_content()) in index:
            parent = p.getparent()
            if parent is not None:
                parents[parent] += 1
    if not parents:
        return text
    container, hits = parents.most_common(1)[0]
    if hits < 2:
        return text
    before: dict[int, list[str]] = {}
    waiting: list[str] = []
    last = -1
    for child in container:
        if not isinstance(child.tag, str) or child.tag in ("script", "style", "figure", "figcaption"):
            continue
        line = _text(child)
        if not line:
            continue
        at = index.get(_key(line))
        if at is not None:
            if at > last and last >= 0 and waiting:
                before.setdefault(at, []).extend(waiting)
            waiting, last = [], max(last, at)
        elif last >= 0 and _subheading(child, line):
            waiting.append(line)
    if not before:
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        out.extend(before.get(i, []))
        out.append(line)
    return "\n".join(out)


def fallback_text(tree: HtmlElement) -> str:
    container = next(iter(tree.xpath("//article | //main")), None)
    container = container if container is not None else tree
    paragraphs = [_text(p) for p in container.iter("p")]
    return "\n".join(p for p in paragraphs if len(p) > 40)


def drop_leading_title(text: str, title: str) -> str:
    """trafilatura often repeats the <h1> as the first line; the body is what we hash."""
    first, _, rest = text.partition("\n")
    if title and normalize_text(first) == normalize_text(title):
        return rest.strip()
    return text


def drop_notices(text: str) -> str:
    """The site's notice lines ("Redistribution by subscribers only.") and ad-slot labels ("विज्ञापन")
    are not the article; short lines only: a paragraph that merely mentions subscribers stays."""
    notice, ads = words().notice, words().ad_labels
    return "\n".join(line for line in text.split("\n")
                     if not (notice.search(line) and len(_WORD.findall(line)) <= 12)
                     and " ".join(_WORD.findall(line)).casefold() not in ads)
