"""Where an earlier stage needs what a later one knows, joined here at the top level so the
rooms import only downward (tests/test_layout.py checks it).

Dedupe's extension rule counts the words of a near-copy's added statements; reading statements
is the claims stage's work (headings, teasers, read-more lines and navigation left out)."""

from __future__ import annotations

import psycopg

from newswatch.claims.extractor import ClaimExtractor
from newswatch.config import DedupeSettings, Topic
from newswatch.dedupe import layers
from newswatch.records import Article, DedupeBatch


def statement_words(text: str) -> int:
    """Words in the text's content statements (claims and plain statements)."""
    return sum(len(s.sentence.split()) for s in ClaimExtractor().statements(text))


def dedupe_articles(conn: psycopg.Connection, articles: list[Article],
                    settings: Topic | DedupeSettings | None = None, topic_name: str | None = None) -> DedupeBatch:
    """newswatch.dedupe.layers.dedupe_articles with the claims stage's statement reader."""
    return layers.dedupe_articles(conn, articles, settings, topic_name, statement_words=statement_words)


def adds_text(text: str, original: str, settings: DedupeSettings) -> bool:
    """newswatch.dedupe.layers.adds_text with the claims stage's statement reader."""
    return layers.adds_text(text, original, settings, statement_words)
