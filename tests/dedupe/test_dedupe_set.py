"""Precision and recall of the near-duplicate layer on the labelled set (tests/fixtures/dedupe/),
through the real path: originals stored in Postgres and indexed (article_bands), each query
deduplicated with `dedupe_articles` under the topic's thresholds.

Positives: republications of an original (other boilerplate, changed headline, truncation,
reordered paragraphs, copy-desk edits, spelling variants; Hindi and English) must be found as
duplicates *of that original*. Negatives: same outlet's next-day follow-ups, other outlets'
reports of the same event (hand-written, Hindi and English), and every original against all the
others (seed 000 vs 003: same event, other words) must stay new.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone

import psycopg
import pytest
import yaml
from newswatch.config import DedupeSettings
from newswatch.dedupe.layers import index_articles
from newswatch.paths import CHECKOUT
from newswatch.records import Article
from newswatch.store import insert_article
from newswatch.text.normalize import content_hash
from newswatch.wired import dedupe_articles

# bench/dedupe.py and bench/extensions.py import this module: no conftest (it resets the environment)
LABELLED = CHECKOUT / "tests" / "fixtures" / "dedupe" / "labelled.json"
TOPIC = CHECKOUT / "include" / "topics" / "russia_north_korea.yaml"
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def topic_settings() -> DedupeSettings:
    """The thresholds of the topic file's `dedupe:` section."""
    return DedupeSettings.model_validate(yaml.safe_load(TOPIC.read_text(encoding="utf-8"))["dedupe"])


def _article(doc: dict, url: str) -> Article:
    return Article(url=url, guid=url, title=doc["title"], text=doc["text"], language=doc["language"],
                   fetched_at=NOW, content_hash=content_hash(doc["text"]))


def evaluate(conn: psycopg.Connection, settings: DedupeSettings) -> dict:
    """Store and index the originals, dedupe every query; returns the figures and the errors."""
    data = json.loads(LABELLED.read_text(encoding="utf-8"))
    ids: dict[str, int] = {}
    for doc in data["originals"]:
        ids[doc["id"]] = insert_article(conn, "labelled", _article(doc, f"https://orig.example/{doc['id']}"), run=None)
    index_articles(conn, settings, list(ids.values()))
    url_of = {f"https://orig.example/{key}": key for key in ids}
    queries = [(q, None) for q in data["queries"]]
    # every original against all the others: take its own bands out for the query, then put them back
    queries += [({**doc, "kind": "original_vs_others", "duplicate_of": None}, ids[doc["id"]]) for doc in data["originals"]]
    tp = fp = fn = tn = 0
    errors: list[str] = []
    by_kind: Counter = Counter()
    for query, hide in queries:
        with conn.transaction() as tx:
            if hide is not None:
                conn.execute("DELETE FROM article_bands WHERE article_id = %s", (hide,))
                conn.execute("UPDATE articles SET content_hash = 'hidden' WHERE id = %s", (hide,))
            result = dedupe_articles(conn, [_article(query, f"https://copy.example/{query['id']}")], settings)
            if hide is not None:
                raise psycopg.Rollback(tx)
        found = [d for d in result.duplicates if d.layer in ("minhash", "content_hash")]
        got = url_of.get(found[0].duplicate_of_url) if found else None
        want = query["duplicate_of"]
        if want and got == want:
            tp += 1
        elif want:
            fn += 1
            fp += got is not None
            errors.append(f"missed {query['id']} (got {got})")
            by_kind[query["kind"]] += 1
        elif got:
            fp += 1
            errors.append(f"false {query['id']} ~ {got} ({found[0].rule} j={found[0].jaccard} c={found[0].containment})")
            by_kind[query["kind"]] += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "positives": tp + fn,
            "negatives": tn + (fp - sum(1 for e in errors if e.startswith("missed") and "got None" not in e)),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn, "errors": errors, "errors_by_kind": dict(by_kind)}


@pytest.fixture(scope="module")
def figures(pg_admin_url):
    import uuid

    from newswatch.store.db import create_database, drop_database, with_database
    from newswatch.store.migrate import migrate

    name = f"nw_test_{uuid.uuid4().hex[:10]}"
    create_database(pg_admin_url, name)
    url = with_database(pg_admin_url, name)
    try:
        migrate(url)
        with psycopg.connect(url) as conn:
            yield evaluate(conn, topic_settings())
    finally:
        drop_database(pg_admin_url, name)


def test_labelled_set_is_large_enough_and_balanced():
    data = json.loads(LABELLED.read_text(encoding="utf-8"))
    kinds = Counter(q["kind"] for q in data["queries"])
    languages = Counter(q["language"] for q in data["queries"] if q["duplicate_of"])
    assert sum(1 for q in data["queries"] if q["duplicate_of"]) >= 150
    assert kinds["follow_up"] >= 20 and kinds["other_outlet"] >= 3
    assert languages["hi"] >= 60 and languages["en"] >= 60


def test_precision_and_recall_on_the_labelled_set(figures):
    assert figures["precision"] >= 0.99, figures["errors"]
    assert figures["recall"] >= 0.97, figures["errors"]


def test_same_event_in_other_words_is_not_a_duplicate(figures):
    # seed 000 and seed 003 report one event: neither is a duplicate of the other
    assert not [e for e in figures["errors"] if "seed:000" in e and "seed:003" in e]
    assert figures["errors_by_kind"].get("other_outlet", 0) == 0
    assert figures["errors_by_kind"].get("follow_up", 0) == 0
