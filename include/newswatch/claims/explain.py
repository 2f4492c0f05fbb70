"""What an article's novelty says to its reader, as stored in `articles.novelty`: counts per
category, one sentence of why, and the known article it was measured against."""

from __future__ import annotations

from typing import Any


def explain(new_story: bool, head: dict | None, rows: list[dict[str, Any]], extends: int | None = None) -> dict[str, Any]:
    """The article's novelty as stored: counts per category, a sentence for the reader, the
    nearest known article."""
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["category"]] = counts.get(r["category"], 0) + 1
    alerted = [r for r in rows if r["is_new"]]
    words = {"new": ("new claim", "new claims"), "update": ("update", "updates"),
             "contradicts": ("contradiction", "contradictions"), "confirms": ("confirmation", "confirmations")}
    listed = ", ".join(f"{counts[c]} {words[c][counts[c] != 1]}" for c in ("update", "contradicts", "confirms", "new")
                       if counts.get(c))
    if new_story:
        why = "opens a new story" + (f" with {listed}" if listed else "")
    elif alerted:
        why = f"{listed} in a known story"
    elif rows:
        why = f"known story; all {len(rows)} of its claims are already known"
    else:
        why = "known story; no claim in it"
    if extends is not None:
        why += "; adds to an article already known"
    return {"new_story": new_story, "why": why, "new_claims": len(alerted), "known_claims": len(rows) - len(alerted),
            "categories": counts, "extends": extends, "nearest": _nearest_article(head, rows)}


def _nearest_article(head: dict | None, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The known article this one is measured against: the one most of its claims came closest
    to (the mean similarity of those), else the known article of its story."""
    matched: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["nearest_article_id"] is not None:
            matched.setdefault(row["nearest_article_id"], []).append(row)
    if matched:
        article_id, closest = max(matched.items(), key=lambda kv: (len(kv[1]), max(r["similarity"] for r in kv[1])))
        return {"id": article_id, "title": closest[0]["nearest_title"], "url": closest[0]["nearest_url"],
                "similarity": round(sum(r["similarity"] for r in closest) / len(closest), 3),
                "why": f"closest to {len(closest)} of its {len(rows)} claims"}
    if head is not None:
        return {"id": head["id"], "title": head["title"], "url": head["canonical_url"], "why": "in its story"}
    return None
