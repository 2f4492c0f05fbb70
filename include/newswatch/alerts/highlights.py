"""What the digest shows of a story on a phone: its two or three most important new claims (the
rest are in the newswatch view, behind a link), each quoted once, and the nearest known claim
only where one is comparable.

Importance is the claim's category first (a contradiction or an update of something known is
what a reader most needs to see, then a new claim, then a confirmation), then text order: the
extractor stores claims by position, and the lead of an article carries its main claims.
"""

from __future__ import annotations

from typing import Any

from newswatch.alerts.digest import DigestStory

CLAIMS_PER_STORY = 3
RANK = {"contradicts": 0, "update": 1, "new": 2, "confirms": 3}
# Opening quote marks (ASCII, typographic, guillemets, low-9): a sentence that opens with one
# is a quotation already and is not wrapped in another pair.
OPENING_QUOTES = "\"'“‘«„‚‹「『"


def already_quoted(sentence: str) -> bool:
    return sentence.lstrip()[:1] in OPENING_QUOTES


def claim_view(claim: dict[str, Any]) -> dict[str, Any]:
    """The template's fields for one claim (on top of DigestClaim's)."""
    comparable = claim["category"] != "new" and bool(claim.get("nearest_sentence"))
    return {**claim, "quoted": already_quoted(claim["sentence"]),
            "nearest_quoted": already_quoted(claim.get("nearest_sentence") or ""),
            "show_nearest": comparable}


def pick_claims(story: DigestStory, limit: int = CLAIMS_PER_STORY) -> set[tuple[int, int]]:
    """(item index, claim index) of the story's `limit` most important claims."""
    ranked = sorted(((RANK.get(c.category, 9), i, j) for i, item in enumerate(story.items)
                     for j, c in enumerate(item.claims)))
    return {(i, j) for _, i, j in ranked[:limit]}
