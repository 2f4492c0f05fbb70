"""Is this page a teaser? Paywall signs are judged where they stand, not wherever a phrase occurs.

A page is a teaser when the text we got is a teaser's worth (under TEASER_WORDS) *and* the page
says the rest is withheld — its JSON-LD `isAccessibleForFree: false`, a paywall container that
is empty or holds only a prompt, or a "subscribe to continue" / "पूरी खबर पढ़ने के लिए" prompt —
or when the text is much shorter than the feed's own summary. A full article keeps its text
whatever its markup says: a class named "paywallBlockedContent" around the whole text, or a wire
story whose last line is "Redistribution by subscribers only.", is not a teaser.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from newswatch.extract_words import words
from newswatch.page_meta import Marked, marked_elements
from newswatch.textnorm import tokens

TEASER_WORDS = 150  # a text this short next to a paywall sign is a teaser
PROMPT_WORDS = 40  # a paywall container with at most this much text holds a prompt, not content


def _text(el: HtmlElement) -> str:
    return " ".join(" ".join(el.itertext()).split())


def has_withheld_sign(tree: HtmlElement, free: bool | None, marked: Marked | None = None) -> bool:
    """The page says part of the article is withheld (JSON-LD, a paywall box, a prompt).
    `marked`: the page's marked elements, when the caller has them."""
    if free is False:
        return True
    w = words()
    for el, marks in marked if marked is not None else marked_elements(tree):
        if el.tag in ("script", "style", "html", "body"):
            continue
        if w.paywall_container.search(marks) and len(tokens(_text(el))) <= PROMPT_WORDS:
            return True
    body = tree.find("body")
    root = body if body is not None else tree
    if not w.paywall_phrase.search(" ".join(root.text_content().split())):
        return False  # the usual case: no prompt anywhere, no element to look at
    for el in root.iter("p", "div", "span", "a", "section", "strong", "button"):
        own = el.text_content()
        if 0 < len(own) < 300 and w.paywall_phrase.search(" ".join(own.split())):
            return True
    return False


def is_teaser(text: str, withheld: bool, feed_summary: str = "") -> bool:
    """`withheld`: what `has_withheld_sign` said of the page as fetched (before any pruning)."""
    n = len(tokens(text))
    if feed_summary and n < 1.5 * len(tokens(feed_summary)):
        return True  # the page says less than the feed's own summary
    return n < TEASER_WORDS and withheld
