"""Batch-level checks (a broken batch loads nothing), the after-load suite against real
Postgres (each planted inconsistency is caught by the right expectation), validation results
stored with the run, and Data Docs built from them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from newswatch import pipeline, store
from newswatch.config import ValidationRules
from newswatch.quality import checks
from newswatch.quality.data_docs import build_data_docs
from newswatch.records import DedupeBatch, ExtractBatch, FeedEntry, FeedResult, QuarantineRecord
from psycopg.rows import dict_row
from test_validate import EN_TEXT, HI_TEXT
from test_validate import article as dated_article

RULES = ValidationRules()  # 4 pages, 50 % without text; median of 5 runs ≥ 5 relevant


def article(n: int, lang: str = "hi", **changes):
    """A valid article published an hour ago (the validate stage checks against the clock)."""
    return dated_article(n, lang, **{"published_at": datetime.now(timezone.utc) - timedelta(hours=1), **changes})


def no_text(n: int) -> QuarantineRecord:
    return QuarantineRecord(stage="extract", reason="extraction failed: the page has no article text",
                            item_key=f"https://news.example.in/empty-{n}")


def missing_page(n: int) -> QuarantineRecord:
    return QuarantineRecord(stage="extract", reason="page fetch failed (http_4xx): HTTP 404",
                            item_key=f"https://news.example.in/gone-{n}")


def feed(seen: int, relevant: int, status: str = "ok") -> FeedResult:
    entries = [FeedEntry(feed_url="https://news.example.in/feed.xml", guid=f"g{i}", url=f"https://news.example.in/{i}",
                         raw_url=f"https://news.example.in/{i}", title="t") for i in range(relevant)]
    return FeedResult(feed_url="https://news.example.in/feed.xml", status=status, entries_seen=seen,
                      irrelevant=seen - relevant, entries=entries)


def checks_by_name(found):
    return {c["name"]: c for c in found}


# --- batch checks (pure) -----------------------------------------------------------------------

def test_most_pages_without_text_fails_the_batch():
    extracted = ExtractBatch(articles=[article(1), article(2, text="छोटा")], quarantined=[no_text(1), no_text(2)])
    check = checks_by_name(checks.batch_checks(RULES, [feed(4, 4)], extracted, []))["pages_with_text"]
    assert check["success"] is False  # 3 of 4 pages: two empty, one under min_text_chars
    assert check["observed"] == 0.75
    assert check["message"].startswith("3 of 4 fetched pages have no usable text (75%")
    assert checks.rejection_reason([check]).startswith("batch rejected, nothing loaded: pages_with_text: 3 of 4")


def test_half_without_text_or_few_pages_or_missing_pages_pass():
    half = ExtractBatch(articles=[article(1), article(2)], quarantined=[no_text(1), no_text(2)])
    few = ExtractBatch(articles=[], quarantined=[no_text(1), no_text(2), no_text(3)])  # under batch_min_pages
    gone = ExtractBatch(articles=[article(1)], quarantined=[missing_page(i) for i in range(5)])  # not fetched
    for batch in (half, few, gone):
        assert checks_by_name(checks.batch_checks(RULES, [feed(6, 6)], batch, []))["pages_with_text"]["success"]
    assert checks_by_name(checks.batch_checks(ValidationRules(batch_max_without_text=0.4), [feed(4, 4)], half, []))[
        "pages_with_text"]["success"] is False


def test_zero_relevant_where_the_last_runs_had_many_fails():
    check = checks_by_name(checks.batch_checks(RULES, [feed(40, 0)], ExtractBatch(), [9, 7, 12, 8, 10]))
    relevant = check["relevant_entries"]
    assert relevant["success"] is False
    assert relevant["message"] == "0 relevant of 40 entries seen; the last 5 successful runs had a median of 9"


@pytest.mark.parametrize("results, recent", [
    ([feed(40, 0)], [9, 7, 12, 8]),  # too little history to compare with
    ([feed(40, 0)], [1, 0, 3, 0, 2]),  # the usual is few
    ([feed(0, 0, "not_modified")], [9, 7, 12, 8, 10]),  # nothing came in at all
    ([feed(40, 1)], [9, 7, 12, 8, 10]),  # one is not zero
])
def test_zero_relevant_is_judged_only_against_a_real_usual(results, recent):
    assert checks_by_name(checks.batch_checks(RULES, results, ExtractBatch(), recent))["relevant_entries"]["success"]


# --- the validate stage with Postgres ----------------------------------------------------------

TOPIC_YAML = """
name: qa_topic
title: QA
languages: [hi, en]
contact: ops@example.org
sender: newswatch@example.org
recipients: [analysts@example.org]
keyword_groups: [{name: k, terms: {en: [Putin]}}]
feeds: [{name: f, url: "https://news.example.in/feed.xml"}]
"""


@pytest.fixture
def topic(tmp_path):
    from newswatch.config import load_topic

    path = tmp_path / "qa.yaml"
    path.write_text(TOPIC_YAML, encoding="utf-8")
    return load_topic(path)


def rows(db_url: str, query: str, *args) -> list[dict]:
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, args)
        return cur.fetchall()


def test_a_broken_batch_is_rejected_before_load_and_recorded(db_url, topic):
    pipeline.start_run(topic, "r1", db_url)
    with psycopg.connect(db_url) as conn:  # the feed as fetch_feed left it: validators stored
        store.sync_feeds(conn, topic.name, pipeline.feeds.plan(topic))
        conn.execute("UPDATE feeds SET etag = 'x', last_modified = 'y', body_hash = 'z'")
    good = [article(1), article(2, "en")]
    extracted = ExtractBatch(articles=good, quarantined=[no_text(i) for i in range(5)])
    with pytest.raises(checks.BatchRejectedError, match=r"pages_with_text: 5 of 7 fetched pages have no usable text"):
        pipeline.validate(topic, "r1", DedupeBatch(new=good), db_url, results=[feed(7, 7)], extracted=extracted)
    run = rows(db_url, "SELECT status, stats FROM runs")[0]
    assert run["status"] == "failed"
    assert run["stats"]["failure"]["stage"] == "validate"
    assert "pages_with_text" in run["stats"]["failure"]["reason"]
    assert run["stats"]["articles_extracted"] == 2 and run["stats"]["articles_loaded"] == 0
    assert rows(db_url, "SELECT count(*) AS n FROM articles")[0]["n"] == 0
    assert rows(db_url, "SELECT count(*) AS n FROM quarantine")[0]["n"] == 0  # nothing half-loaded
    stored = {r["suite"]: r for r in rows(db_url, "SELECT * FROM validation_results")}
    assert stored["incoming_batch"]["success"] is False and stored["incoming_batch"]["failed"] == 1
    assert stored["incoming_articles"]["success"] is True and stored["incoming_articles"]["evaluated"] == 19
    assert stored["incoming_articles"]["result"]["statistics"]["evaluated_expectations"] == 19
    # the next run reads the feed in full again (no 304 hiding the entries this run could not load)
    assert rows(db_url, "SELECT etag, last_modified, body_hash FROM feeds") == [
        {"etag": None, "last_modified": None, "body_hash": None}]


def test_zero_relevant_rejected_against_earlier_successful_runs(db_url, topic):
    with psycopg.connect(db_url) as conn:
        for i, relevant in enumerate([9, 7, 12, 8, 10, 0]):
            run = store.ensure_run(conn, topic.name, f"old{i}")
            store.merge_run(conn, run, status="success" if relevant else "failed",
                            stats={"entries_seen": 50, "entries_relevant": relevant})
    pipeline.start_run(topic, "today", db_url)
    with pytest.raises(checks.BatchRejectedError, match="relevant_entries: 0 relevant of 60 entries seen; the last 5"):
        pipeline.validate(topic, "today", DedupeBatch(), db_url, results=[feed(60, 0)], extracted=ExtractBatch())
    assert rows(db_url, "SELECT status FROM runs WHERE run_id = 'today'")[0]["status"] == "failed"


def test_a_sound_batch_stores_its_results_and_passes_on(db_url, topic):
    pipeline.start_run(topic, "r1", db_url)
    good, bad = article(1), article(2, "en", language="fr")
    batch = pipeline.validate(topic, "r1", DedupeBatch(new=[good, bad]), db_url, results=[feed(2, 2)],
                              extracted=ExtractBatch(articles=[good, bad]))
    assert batch.valid == [good] and [q.item_key for q in batch.quarantined] == [bad.url]
    stored = {r["suite"]: r for r in rows(db_url, "SELECT * FROM validation_results")}
    assert stored["incoming_articles"]["success"] is False
    assert stored["incoming_articles"]["summary"]["expect_column_values_to_be_in_set(language)"] == {
        "success": False, "unexpected_count": 1}
    assert stored["incoming_batch"]["success"] is True
    # a retry overwrites, never adds
    pipeline.validate(topic, "r1", DedupeBatch(new=[good, bad]), db_url, results=[feed(2, 2)])
    assert rows(db_url, "SELECT count(*) AS n FROM validation_results")[0]["n"] == 2


# --- after load --------------------------------------------------------------------------------

@pytest.fixture
def loaded(db_url, topic):
    """A run with two new articles and one republication stored, its stats saying so."""
    pipeline.start_run(topic, "r1", db_url)
    with psycopg.connect(db_url) as conn:
        run = store.run_pk(conn, topic.name, "r1")
        first = store.insert_article(conn, topic.name, article(1), run=run)
        store.insert_article(conn, topic.name, article(2, "en", text=EN_TEXT), run=run)
        store.insert_article(conn, topic.name, article(3, text=HI_TEXT, content_hash=f"{1:064x}"), run=run,
                             duplicate_of=first, duplicate_layer="content_hash", similarity=1.0)
        store.merge_run(conn, run, stats={"articles_loaded": 2, "republications_stored": 1})
    return run


def test_consistent_tables_pass_the_after_load_suite(db_url, topic, loaded):
    outcome = pipeline.check_stored(topic, "r1", db_url)
    assert outcome["success"] is True and outcome["evaluated"] == 7
    assert set(outcome["summary"]) == {"unique_canonical_url", "duplicate_of_exists", "article_has_run",
                                       "run_counts_match_stats",  # issue 11: and the entry accounting
                                       "entries_add_up", "loaded_entries_are_stored", "drops_have_a_reason_row"}
    stored = rows(db_url, "SELECT suite, stage, success FROM validation_results")
    assert stored == [{"suite": "stored_articles", "stage": "check_stored", "success": True}]


def plant_article_without_run(conn, topic):
    store.insert_article(conn, topic.name, article(9, url="https://news.example.in/orphan"), run=None)


def plant_count_mismatch(conn, topic):
    conn.execute("""UPDATE runs SET stats = stats || '{"articles_loaded": 5}'""")


def plant_duplicate_url(conn, topic):
    conn.execute("ALTER TABLE articles DROP CONSTRAINT articles_canonical_url_key")
    store.insert_article(conn, topic.name, article(1, guid="another-guid"), run=None)
    conn.execute("UPDATE articles SET run_id = (SELECT min(id) FROM runs), is_seed = true WHERE guid = 'another-guid'")


def plant_dangling_duplicate(conn, topic):
    conn.execute("SET session_replication_role = replica")  # the planted row skips the foreign key
    conn.execute("UPDATE articles SET duplicate_of = 999999 WHERE duplicate_of IS NOT NULL")


@pytest.mark.parametrize("plant, failing, sample_key", [
    (plant_article_without_run, "article_has_run", "canonical_url"),
    (plant_count_mismatch, "run_counts_match_stats", "stats_new"),
    (plant_duplicate_url, "unique_canonical_url", "canonical_url"),
    (plant_dangling_duplicate, "duplicate_of_exists", "duplicate_of"),
])
def test_the_after_load_suite_catches_a_planted_inconsistency(db_url, topic, loaded, plant, failing, sample_key):
    with psycopg.connect(db_url) as conn:
        plant(conn, topic)
    with pytest.raises(checks.StoredDataError, match=f"stored data inconsistent: {failing}: 1 row"):
        pipeline.check_stored(topic, "r1", db_url)
    stored = rows(db_url, "SELECT success, failed, summary FROM validation_results WHERE suite = 'stored_articles'")[0]
    assert stored["success"] is False and stored["failed"] == 1
    assert stored["summary"][failing]["success"] is False
    assert sample_key in stored["summary"][failing]["sample"][0]
    run = rows(db_url, "SELECT status, stats FROM runs")[0]
    assert run["status"] == "failed" and run["stats"]["failure"]["stage"] == "check_stored"


# --- Data Docs ---------------------------------------------------------------------------------

def test_data_docs_are_built_from_the_stored_results(db_url, topic, loaded, tmp_path):
    pipeline.validate(topic, "r1", DedupeBatch(new=[article(5), article(6, language="fr")]), db_url)
    pipeline.check_stored(topic, "r1", db_url)
    with psycopg.connect(db_url) as conn:
        index = build_data_docs(conn, tmp_path / "docs")
    assert index.is_file()
    html = index.read_text(encoding="utf-8")
    assert "incoming_articles" in html and "stored_articles" in html
    pages = sorted(p.relative_to(tmp_path / "docs").as_posix() for p in (tmp_path / "docs").rglob("*.html"))
    assert any(p.startswith("validations/incoming_articles/") for p in pages)
    assert any(p.startswith("validations/stored_articles/") for p in pages)
    assert any(p.startswith("expectations/") for p in pages)
    # the incoming result page shows the failed expectation
    page = next((tmp_path / "docs").glob("validations/incoming_articles/**/*.html")).read_text(encoding="utf-8")
    assert "language" in page and "Failed" in page


@pytest.mark.parametrize("given, host, socket, port", [
    ("postgres://postgres:@%2Ftmp%2Fnw-tests%2Fpgdata/nw_a", None, "/tmp/nw-tests/pgdata", None),  # Airflow's form
    ("postgresql://postgres:@/nw_a?host=/tmp/nw-tests/pgdata", None, "/tmp/nw-tests/pgdata", None),  # pgserver's
    ("postgresql://postgres@127.0.0.1:5433/nw_a", "127.0.0.1", None, 5433),
])
def test_the_after_load_suite_reaches_the_database_however_its_url_is_written(given, host, socket, port):
    from newswatch.quality.checks import _sqlalchemy_url
    from sqlalchemy.engine import make_url

    url = make_url(_sqlalchemy_url(given))
    assert (url.drivername, url.database, url.username) == ("postgresql+psycopg", "nw_a", "postgres")
    assert (url.host, url.query.get("host"), url.port) == (host, socket, port)


SCRIPT_TEXT = "<script>alert(1)</script> short"  # under min_text_chars
IMG_LANGUAGE = '<img src=x onerror="alert(2)">'  # not one of the topic's languages
IMG_URL = "https://news.example.in/<img src=x onerror=alert(3)>"


def test_data_docs_show_hostile_article_values_as_text(db_url, topic, loaded, tmp_path):
    pipeline.validate(topic, "r1", DedupeBatch(new=[article(5, text=SCRIPT_TEXT),
                                                    article(6, "en", language=IMG_LANGUAGE)]), db_url)
    with psycopg.connect(db_url) as conn:  # an article without a run: the stored suite samples its URL
        store.insert_article(conn, topic.name, article(9, url="https://news.example.in/orphan"), run=None)
        conn.execute("UPDATE articles SET canonical_url = %s WHERE run_id IS NULL", (IMG_URL,))
    with pytest.raises(checks.StoredDataError, match="article_has_run"):
        pipeline.check_stored(topic, "r1", db_url)
    with psycopg.connect(db_url) as conn:
        build_data_docs(conn, tmp_path / "docs")
    pages = {p: p.read_text(encoding="utf-8") for p in (tmp_path / "docs").rglob("*.html")}
    incoming = "".join(t for p, t in pages.items() if "validations/incoming_articles" in p.as_posix())
    for page, text in pages.items():
        for markup in ("<script>alert(1)", "<img src=x onerror", "<img src=\"x\""):
            assert markup not in text, page
    # issue 11: text fields are plain text from the record on, so the script never reaches the
    # suite (the article is still refused: what is left is too short)
    assert "alert(1)" not in incoming and "short" in incoming
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in incoming
    assert "&amp;lt;" not in incoming  # escaped once: GX itself does not escape these values
    # GX does not render the after-load suite's sampled rows, but they are stored escaped all the same
    result = rows(db_url, "SELECT result FROM validation_results WHERE suite = 'stored_articles'")[0]["result"]
    sampled = next(r["result"]["details"]["unexpected_rows"] for r in result["results"]
                   if r["expectation_config"]["meta"]["name"] == "article_has_run")
    assert [row["canonical_url"] for row in sampled] == ["https://news.example.in/&lt;img src=x onerror=alert(3)&gt;"]


def test_data_docs_replace_only_a_folder_newswatch_built(db_url, tmp_path):
    from newswatch.quality.data_docs import MARKER

    mine = tmp_path / "mine"  # e.g. `newswatch docs --out .`
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    with psycopg.connect(db_url) as conn:
        with pytest.raises(ValueError, match=r"not empty and was not made by `newswatch docs`.*refusing"):
            build_data_docs(conn, mine)
        assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
        assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]
        assert build_data_docs(conn, empty).is_file()  # an empty folder may be used
        assert (empty / MARKER).is_file()
        (empty / "stale.html").write_text("an old page", encoding="utf-8")
        assert build_data_docs(conn, empty).is_file()  # a folder newswatch built is rebuilt from scratch
        assert (empty / MARKER).is_file() and not (empty / "stale.html").exists()
        (tmp_path / "a-file").write_text("x", encoding="utf-8")
        with pytest.raises(ValueError, match="is not a folder"):
            build_data_docs(conn, tmp_path / "a-file")
