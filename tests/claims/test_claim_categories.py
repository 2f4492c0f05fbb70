"""Each category a new claim can get, Hindi and English, through the real path: a known article
stored and assessed (its claims embedded once and stored), then a new article of another story
assessed against everything stored (real Postgres, the bundled multilingual model)."""

import uuid
from datetime import datetime, timezone

import psycopg
import pytest
import yaml
from conftest import ROOT
from newswatch.claims import novelty
from newswatch.config import load_topic
from newswatch.records import Article
from newswatch.store import insert_article
from newswatch.store.db import create_database, drop_database, with_database
from newswatch.store.migrate import migrate
from newswatch.text.normalize import content_hash

TOPIC = load_topic(ROOT / "include" / "topics" / "russia_north_korea.yaml")
PAIRS = {p["id"]: p for p in yaml.safe_load((ROOT / "tests" / "fixtures" / "claims" / "pairs.yaml").read_text(
    encoding="utf-8"))["pairs"]}
PAIRS["c_en"] = {"id": "c_en", "la": "en", "lb": "en", "category": "confirms",
                 "a": "The Pentagon said North Korean pilots are training on Russian fighter jets.",
                 "b": "Britain's defence ministry said North Korean pilots are training on Russian fighter jets."}
NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)
CASES = ["r3", "r4", "c_en", "c2", "n1", "n2", "d2", "d3", "x1", "x6"]


def _store(conn, text: str, language: str, url: str, run: int) -> int:
    article = Article(url=url, title=text[:40], text=text, language=language, fetched_at=NOW, content_hash=content_hash(text))
    article_id = insert_article(conn, TOPIC.name, article, run=run)
    conn.execute("UPDATE articles SET story_id = id WHERE id = %s", (article_id,))  # each its own story
    return article_id


@pytest.fixture
def conn(db_url):
    with psycopg.connect(db_url) as conn:
        yield conn


@pytest.mark.parametrize("case", CASES)
def test_each_category_in_hindi_and_english(conn, case):
    pair = PAIRS[case]
    first = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, 'r1') RETURNING id", (TOPIC.name,)).fetchone()[0]
    known = _store(conn, pair["a"], pair["la"], "https://a.example/known", first)
    novelty.assess_articles(conn, TOPIC, [known])
    second = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, 'r2') RETURNING id", (TOPIC.name,)).fetchone()[0]
    new = _store(conn, pair["b"], pair["lb"], "https://b.example/new", second)
    result = novelty.assess_articles(conn, TOPIC, [new])
    category, is_new, matched, changed, similarity = conn.execute(
        """SELECT c.category, c.is_new, m.sentence, c.changed, c.similarity FROM claims c
           LEFT JOIN claims m ON m.id = c.matched_claim_id WHERE c.article_id = %s""", (new,)).fetchone()
    assert category == pair["category"], (similarity, changed)
    assert is_new == (category != "restates")
    if category == "new":
        assert matched is None
    else:
        assert matched == pair["a"] and similarity >= TOPIC.claims.new_threshold
    if category == "update":
        assert changed["numbers"] and changed["text"]
    if category == "contradicts":
        assert changed["polarity"] == "denies"
    if category == "confirms":
        assert changed["speaker"]
    # a new story is a new development whatever its claims; the category decides the counts
    assert result.new_developments == [new] and result.categories == {category: 1}
    # the known claim's representation was stored with it: only the new claim was embedded
    assert result.embedded == 1


def _categories_in_one_history(conn) -> list[str]:
    """Every case's known side in one history, then every new side assessed against all of it."""
    run = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, 'r1') RETURNING id", (TOPIC.name,)).fetchone()[0]
    known = [_store(conn, PAIRS[c]["a"], PAIRS[c]["la"], f"https://a.example/{c}", run) for c in CASES]
    novelty.assess_articles(conn, TOPIC, known)
    run2 = conn.execute("INSERT INTO runs (topic, run_id) VALUES (%s, 'r2') RETURNING id", (TOPIC.name,)).fetchone()[0]
    new = [_store(conn, PAIRS[c]["b"], PAIRS[c]["lb"], f"https://b.example/{c}", run2) for c in CASES]
    novelty.assess_articles(conn, TOPIC, new)
    return [r[0] for r in conn.execute("""SELECT c.category FROM claims c JOIN articles a ON a.id = c.article_id
                                          WHERE a.id = ANY(%s) ORDER BY a.id""", (new,))]


def test_the_cell_index_gives_the_answers_of_the_full_comparison(db_url, pg_admin_url, monkeypatch):
    """With a cell index (forced on for a small history) the candidates are those of its nearest
    cells; every claim gets the category the full comparison gives it on the same history."""
    from newswatch.claims import matching

    with psycopg.connect(db_url) as conn:
        full = _categories_in_one_history(conn)
    monkeypatch.setattr(matching, "CELLS_FROM", 8)
    monkeypatch.setattr(matching, "PROBE", 4)
    name = f"nw_cells_{uuid.uuid4().hex[:8]}"
    create_database(pg_admin_url, name)
    try:
        other = with_database(pg_admin_url, name)
        migrate(other)
        with psycopg.connect(other) as conn:
            indexed = _categories_in_one_history(conn)
            cells, built = conn.execute("SELECT cells, built_claims FROM claim_index").fetchone()
            assert 8 <= cells <= 16 and built >= 8
            assert conn.execute("SELECT count(DISTINCT claim_id) FROM claim_cells").fetchone()[0] == 2 * len(CASES)
    finally:
        drop_database(pg_admin_url, name)
    assert indexed == full and len(full) == len(CASES)
