"""Story grouping (not dedupe): articles about the same event get the same `story_id`, across
Hindi and English, from language-neutral evidence only: gazetteer entity ids, the numbers and
dates the text mentions (all in `articles.entities`), and a publication-date window.

Features of an article (with weights):
- gazetteer people / places / organisations, 1.0 each, except the topic's *core* entities: those
  named by a required keyword group (for Russia–North Korea: Kim, Putin, Pyongyang, Moscow, the
  Kremlin). Every relevant article names them, so they say nothing about which event it reports.
- numbers >= 10 (smaller ones are counts and list markers), 1.0; years (1900-2100) 0.5, since
  they mostly date background ("the 2019 summit").
- dates the text mentions, 1.5.

An article joins the story of its best-scoring candidate when the weighted Jaccard of their
features is >= `story_min_score` and the shared weight is >= `story_min_shared`; otherwise it
starts a story whose id is its own id. Candidates: originals of the topic that have a story,
published within `story_window_days` (one indexed range query per batch), plus the undated
articles, the seeds, which carry no date: a seed is compared with every article, so a new report
of a seed's event joins the seed's story, but as the window cannot confirm the time, a dated
article joins a seed only at the higher `story_min_score_undated`. A stored duplicate takes its
original's story.

Idempotent: articles that have a story keep it; a retry assigns nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg

from newswatch import store
from newswatch.config import DedupeSettings, Topic
from newswatch.text.normalize import tokens

ENTITY_KINDS = ("people", "places", "organisations")
MAX_NUMBERS = 30


def core_entities(topic: Topic) -> set[str]:
    """Gazetteer ids named by a required keyword group: present in every relevant article."""
    required = {tuple(tokens(term)) for group in topic.keyword_groups if group.required for term in group.terms.all()}
    gazetteer = topic.gazetteer
    return {entry.id for entries in (gazetteer.people, gazetteer.places, gazetteer.organisations)
            for entry in entries if any(tuple(tokens(alias)) in required for alias in [*entry.hi, *entry.en])}


def features(entities: dict[str, Any], core: set[str]) -> dict[str, float]:
    """The weighted, language-neutral features of one article's `entities`."""
    found: dict[str, float] = {}
    for kind in ENTITY_KINDS:
        for entity_id in entities.get(kind) or []:
            if entity_id not in core:
                found[f"{kind[0]}:{entity_id}"] = 1.0
    for raw in (entities.get("numbers") or [])[:MAX_NUMBERS]:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            continue
        if value >= 10:
            found[f"n:{value}"] = 0.5 if 1900 <= value <= 2100 else 1.0
    for day in entities.get("dates") or []:
        found[f"d:{day}"] = 1.5
    return found


def score(a: dict[str, float], b: dict[str, float]) -> tuple[float, float]:
    """(weighted Jaccard, shared weight) of two feature sets."""
    shared = sum(min(w, b[f]) for f, w in a.items() if f in b)
    union = sum(a.values()) + sum(b.values()) - shared
    return (shared / union if union else 0.0), shared


def _close(a: datetime | None, b: datetime | None, window: timedelta) -> bool:
    return a is None or b is None or abs(a - b) <= window


def assign_stories(conn: psycopg.Connection, topic: Topic, article_ids: Sequence[int]) -> dict[int, int]:
    """Give each of `article_ids` without a story a story_id (in id order, so an article can join
    the story of an earlier one in the same batch). Three queries, whatever the corpus size.
    Returns {article id: story id} of the articles assigned now."""
    settings: DedupeSettings = topic.dedupe
    window = timedelta(days=settings.story_window_days)
    rows = store.story_rows(conn, list(article_ids))
    todo = [r for r in rows if r["story_id"] is None]
    if not todo:
        return {}
    days = [r["day"] for r in todo if r["day"] is not None]
    start, end = (min(days) - window, max(days) + window) if days else (None, None)
    core = core_entities(topic)
    pool = [(c["id"], c["story_id"], features(c["entities"], core), c["day"])
            for c in store.story_candidates(conn, topic.name, start, end, [r["id"] for r in todo])]
    story_of = {c[0]: c[1] for c in pool}
    story_of.update({r["id"]: r["story_id"] for r in rows if r["story_id"] is not None})
    originals = [r["duplicate_of"] for r in todo if r["duplicate_of"] and r["duplicate_of"] not in story_of]
    story_of.update({r["id"]: r["story_id"] for r in store.story_rows(conn, originals) if r["story_id"]})

    assigned: dict[int, int] = {}
    for row in todo:
        story = story_of.get(row["duplicate_of"]) if row["duplicate_of"] else None
        mine = features(row["entities"], core)
        if story is None:
            best: tuple[float, float, int] | None = None  # (score, shared, -story)
            for _, candidate_story, theirs, day in pool:
                if not _close(row["day"], day, window):
                    continue
                similarity, shared = score(mine, theirs)
                # no date on one side (a seed): the window cannot confirm the time, the features must
                needed = settings.story_min_score_undated if (row["day"] is None) != (day is None) \
                    else settings.story_min_score
                if similarity >= needed and shared >= settings.story_min_shared:
                    key = (round(similarity, 6), shared, -candidate_story)
                    if best is None or key > best:
                        best = key
            story = -best[2] if best else row["id"]
        assigned[row["id"]] = story_of[row["id"]] = story
        if row["duplicate_of"] is None:
            pool.append((row["id"], story, mine, row["day"]))
    store.set_stories(conn, list(assigned), list(assigned.values()))
    return assigned
