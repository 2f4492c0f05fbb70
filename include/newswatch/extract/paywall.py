"""Is this page a teaser? Paywall signs are judged where they stand, not wherever a phrase occurs.

A page is a teaser when the text we got is a teaser's worth (under TEASER_WORDS) *and* the page
says the rest is withheld — its JSON-LD `isAccessibleForFree: false`, a paywall container that
is empty or holds only a prompt, or a "subscribe to continue" / "पूरी खबर पढ़ने के लिए" prompt —
or when the text is much shorter than the feed's own summary. A full article keeps its text
whatever its markup says: a class named "paywallBlockedContent" around the whole text, or a wire
story whose last line is "Redistribution by subscribers only.", is not a teaser.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from newswatch.extract.page_meta import Marked, marked_elements
from newswatch.extract.words import words
from newswatch.text.normalize import tokens

TEASER_WORDS = 150  # a text this short next to a paywall sign is a teaser
PROMPT_WORDS = 40  # a paywall container with at most this much text holds a prompt, not content
_VISIBLE_TEXT = etree.XPath("//body//text()[not(parent::script) and not(parent::style)]")


def _text(el: HtmlElement) -> str:
    return " ".join(" ".join(el.itertext()).split())


@dataclass(frozen=True)
class WithheldSigns:
    """What the page as fetched says about withheld text, read before any pruning: the JSON-LD flag
    and paywall boxes now (cheap), the page's text kept for a prompt search done only when the text
    we got is short enough to be a teaser."""

    flagged: bool
    page_text: str

    def any(self) -> bool:
        return self.flagged or bool(words().paywall_phrase.search(self.page_text))


def withheld_signs(tree: HtmlElement, free: bool | None, marked: Marked | None = None) -> WithheldSigns:
    w = words()
    flagged = free is False
    for el, marks in () if flagged else (marked if marked is not None else marked_elements(tree)):
        if el.tag not in ("script", "style", "html", "body") and w.paywall_container.search(marks) \
                and len(tokens(_text(el))) <= PROMPT_WORDS:
            flagged = True
            break
    # prompts are lines of visible text: scripts and styles are left out of the search
    return WithheldSigns(flagged, " ".join(_VISIBLE_TEXT(tree)))


def is_teaser(text: str, withheld: WithheldSigns, feed_summary: str = "", n_tokens: int | None = None) -> bool:
    """`withheld`: what `withheld_signs` read of the page as fetched (before any pruning);
    `n_tokens`: the text's token count, when the caller has it."""
    n = len(tokens(text)) if n_tokens is None else n_tokens
    if feed_summary and n < 1.5 * len(tokens(feed_summary)):
        return True  # the page says less than the feed's own summary
    return n < TEASER_WORDS and withheld.any()
