"""`newswatch report` and the run summary against real runs of the pipeline (the sample site on
a loopback server, real Postgres): runs with their counts and checks, quarantine reasons per
day, feed health, and the analyst views they read."""

from __future__ import annotations

import psycopg
import pytest
from newswatch import pipeline
from newswatch.alerts import outbox
from newswatch.cli import main
from newswatch.report.last_runs import _width, report
from newswatch.report.summary import run_summary
from psycopg.rows import dict_row


@pytest.fixture
def two_runs(db_url, demo_topic, tmp_path):
    """The demo pipeline run twice (the second finds nothing new), as `newswatch run` does."""
    deliver = outbox.outbox_deliverer(tmp_path / "outbox")
    pipeline.run_once(demo_topic, deliver, run_id="first", db_url=db_url)
    pipeline.run_once(demo_topic, deliver, run_id="second", db_url=db_url)
    return db_url


def test_report_shows_runs_quarantine_reasons_and_feed_health(two_runs, demo_topic):
    with psycopg.connect(two_runs) as conn:
        text = report(conn, demo_topic.name)
    print(text)
    lines = text.splitlines()
    assert lines[0].startswith("newswatch report · topic russia_north_korea · ")
    runs = lines[lines.index("Last runs (2)") + 1:]
    assert runs[0].split()[:3] == ["run", "started", "(UTC)"]
    second, first = runs[1].split(), runs[2].split()
    assert second[:2] == ["✓", "second"] and first[:2] == ["✓", "first"]
    assert second[5] == "0/3/1"  # the second run: three feeds unchanged (304), the broken one failing
    assert first[-2:] == ["all", "passed"]
    with psycopg.connect(two_runs) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM v_runs WHERE run_id = 'first'")
        v = cur.fetchone()
    assert v["status"] == "success" and v["validation_success"] is True and v["articles_loaded"] > 0
    # feeds ok/failed, seen, relevant, extracted, dups, quarantined, loaded, alerted, in that order
    assert first[5:13] == [f"{v['feeds_ok']}/{v['feeds_not_modified']}/{v['feeds_failed']}", str(v["entries_seen"]), str(v["entries_relevant"]),
                           str(v["articles_extracted"]), str(v["duplicates"]), str(v["quarantined"]),
                           str(v["articles_loaded"]), str(v["new_developments"])]
    assert 0 < v["new_developments"] < v["articles_loaded"]  # the restatement of seed 000 is not alerted

    quarantine = text[text.index("Quarantine reasons, last 7 days"):text.index("Feed health")]
    assert "fetch" in quarantine and "entry has no link" in quarantine
    assert "extract" in quarantine and "page fetch failed" in quarantine

    feeds = text[text.index("Feed health (4 feeds, 1 not ok)"):].splitlines()
    broken = next(i for i, line in enumerate(feeds) if "Broken Wire (en)" in line)
    assert feeds[broken].split()[0] == "✗" and "failing" in feeds[broken]
    assert feeds[broken + 1].strip().startswith("↳ [parse_error] unparseable feed")
    assert any(line.split()[:1] == ["✓"] and "Samachar Darpan" in line for line in feeds)


def test_a_failed_run_shows_its_reason_in_the_report_and_the_summary(db_url, demo_topic):
    from newswatch.quality.checks import BatchRejectedError
    from newswatch.records import DedupeBatch, ExtractBatch, QuarantineRecord

    pipeline.start_run(demo_topic, "broken", db_url)
    empty = [QuarantineRecord(stage="extract", reason="extraction failed: the page has no article text",
                              item_key=f"https://x.example/{i}") for i in range(6)]
    with pytest.raises(BatchRejectedError):
        pipeline.validate(demo_topic, "broken", DedupeBatch(), db_url, extracted=ExtractBatch(quarantined=empty))
    with psycopg.connect(db_url) as conn:
        text = report(conn, demo_topic.name)
        summary = run_summary(conn, demo_topic, "broken")
    line = next(i for i, row in enumerate(text.splitlines()) if " broken " in row)
    assert text.splitlines()[line].split()[:2] == ["✗", "broken"] and "✗ incoming_batch" in text.splitlines()[line]
    assert text.splitlines()[line + 1].strip() == (
        "↳ batch rejected, nothing loaded: pages_with_text: 6 of 6 fetched pages have no usable text "
        "(100%; more than 50% means the batch is broken)")
    assert "newswatch run broken · topic russia_north_korea · failed" in summary
    assert "  ✗ failed in validate: batch rejected, nothing loaded: pages_with_text" in summary
    assert "validation incoming_batch: 1 of 2 batch checks passed" in summary
    assert "  ✗ pages_with_text: 6 of 6 fetched pages have no usable text" in summary


def test_the_summary_lists_the_stored_validation_results(two_runs, demo_topic):
    with psycopg.connect(two_runs) as conn:
        summary = run_summary(conn, demo_topic, "first")
    assert "validation incoming_articles: " in summary
    assert "validation incoming_batch: 2 of 2 batch checks passed" in summary
    assert "validation stored_articles: 7 of 7 expectations met" in summary  # issue 11: + the entry accounting


def test_the_command_prints_the_report(two_runs, monkeypatch, capsys):
    monkeypatch.setenv("NEWSWATCH_DATABASE_URL", two_runs)
    monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", "http://127.0.0.1:1")
    from conftest import DEMO_TOPIC

    assert main(["report", "--topic", str(DEMO_TOPIC), "--runs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Last runs (1)" in out and "Feed health (4 feeds" in out


def test_the_command_builds_data_docs(two_runs, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("NEWSWATCH_DATABASE_URL", two_runs)
    assert main(["docs", "--out", str(tmp_path / "docs")]) == 0
    assert capsys.readouterr().out.strip() == f"Data Docs: {tmp_path / 'docs' / 'index.html'}"
    html = (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "stored_articles" in html and "incoming_articles" in html


def test_devanagari_vowel_signs_take_no_column():
    assert _width("समाचार दर्पण") < len("समाचार दर्पण")
    assert _width("World Desk") == 10
