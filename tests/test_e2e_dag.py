"""End to end through Airflow (`dag.test()`): real Postgres, the sample site on a loopback
HTTP server, the DAG's SMTP connection pointing at a loopback SMTP server.

What is expected of each feed item comes from include/demo/expected.yaml, the labelled
manifest of the sample feeds.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import psycopg
import pytest
import yaml
from conftest import DEMO_TOPIC, ROOT
from newswatch.urls import canonical_url
from newswatch_airflow.conn_ids import DB_CONN_ID, SMTP_CONN_ID
from psycopg.rows import dict_row

MANIFEST = yaml.safe_load((ROOT / "include" / "demo" / "expected.yaml").read_text(encoding="utf-8"))
LOADED_CASES = {"relevant", "restates_seed_claim", "new_claim"}


def _url(link: str, base: str) -> str:
    return canonical_url(link.replace("__BASE_URL__", base))


def _airflow_db_conn(db_url: str) -> str:
    """The test database as an Airflow connection (JSON form), as a deployment would set it."""
    parts = urlsplit(db_url)
    host = parts.hostname or dict(q.split("=", 1) for q in parts.query.split("&") if q).get("host")
    return json.dumps({"conn_type": "postgres", "host": host, "port": parts.port or 5432,
                       "login": parts.username or "postgres", "password": parts.password or "",
                       "schema": parts.path.lstrip("/")})


@pytest.fixture
def airflow_run(monkeypatch, airflow_home, db_url, demo_server, smtp_server):
    from urllib.parse import unquote

    sink, port = smtp_server
    monkeypatch.setenv("NEWSWATCH_TOPIC", str(DEMO_TOPIC))
    monkeypatch.setenv(f"AIRFLOW_CONN_{DB_CONN_ID.upper()}", unquote(_airflow_db_conn(db_url)))
    monkeypatch.setenv(f"AIRFLOW_CONN_{SMTP_CONN_ID.upper()}", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": port,
        "extra": {"disable_tls": True, "disable_ssl": True, "from_email": "newswatch@example.org"}}))

    def run():
        from airflow.dag_processing.dagbag import DagBag

        dagbag = DagBag(dag_folder=str(ROOT / "dags"))
        assert dagbag.import_errors == {}
        return dagbag.get_dag("news_monitor").test()

    return run, sink, demo_server.base_url, db_url


def _rows(db_url: str, query: str, *args) -> list[dict]:
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, args)
        return cur.fetchall()


def test_first_run_loads_dedupes_quarantines_and_alerts_once_second_run_adds_nothing(airflow_run):
    run, sink, base, db_url = airflow_run
    items = MANIFEST["items"]

    dag_run = run()
    assert dag_run.state == "success"

    # exactly the expected new articles are stored, as new
    expected_new = {_url(i["link"], base) for i in items if i["case"] in LOADED_CASES}
    expected_new |= {_url(i["link"], base) for i in items if i["case"] == "tracking_duplicate"
                     and not any(j["guid"] == i.get("same_as_guid") for j in items)}
    stored_new = {r["canonical_url"] for r in _rows(
        db_url, "SELECT canonical_url FROM articles WHERE NOT is_seed AND duplicate_of IS NULL")}
    assert stored_new == expected_new
    assert not any(_url(i["link"], base) in stored_new for i in items if i["case"] == "irrelevant")

    # the republication of a seed is stored as a duplicate of that seed
    republication = next(i for i in items if i["case"] == "seed_republication")
    dup = _rows(db_url, """SELECT a.duplicate_layer, s.canonical_url AS original FROM articles a
                           JOIN articles s ON s.id = a.duplicate_of WHERE a.canonical_url = %s""",
                _url(republication["link"], base))
    assert dup == [{"duplicate_layer": "content_hash",
                    "original": f"seed://russia_north_korea/{republication['duplicate_of_seed']}"}]

    # the tracking-parameter copy collapsed onto the first copy's URL
    tracked = next(i for i in items if i["case"] == "tracking_duplicate")
    assert _url(tracked["link"], base) in stored_new

    # bad records are quarantined with their reasons
    quarantine = {(q["stage"], q["item_key"]): q["reason"] for q in _rows(db_url, "SELECT * FROM quarantine")}
    no_link = next(i for i in items if i["case"] == "no_link")
    assert quarantine[("fetch", no_link["guid"])] == "entry has no link"
    missing = next(i for i in items if i["case"] == "page_missing")
    assert "404" in quarantine[("extract", _url(missing["link"], base))]
    future = next(i for i in items if i["case"] == "future_date")
    assert quarantine[("fetch", future["guid"])] == "entry date is in the future"  # refused before its page is fetched
    empty = next(i for i in items if i["case"] == "page_empty")
    assert any(key == _url(empty["link"], base) and "text" in reason
               for (_, key), reason in quarantine.items())

    # the broken feed is recorded, and the run went on
    broken = [f for f in MANIFEST["feeds"] if f["broken"]]
    health = {r["url"].rsplit("/", 1)[-1]: r for r in _rows(db_url, "SELECT * FROM feeds")}
    for feed in broken:
        assert health[feed["file"]]["last_status"] == "error"
        assert health[feed["file"]]["last_error_class"] == "parse_error"
        assert health[feed["file"]]["consecutive_failures"] == 1
    stats = _rows(db_url, "SELECT stats FROM runs")[0]["stats"]
    assert stats["feeds_failed"] == len(broken)
    assert stats["entries_seen"] == len(items)

    # one digest, listing exactly the new articles
    assert len(sink.messages) == 1
    rcpts, msg = sink.messages[0]
    assert rcpts == ["analysts@example.org"]
    body = msg.get_body(("plain",)).get_content()
    titles = {r["title"] for r in _rows(db_url, "SELECT title FROM articles WHERE NOT is_seed AND duplicate_of IS NULL")}
    assert all(title in body for title in titles)
    assert body.count("\n   http") == len(titles)
    assert republication["title"] not in body

    # a second run adds nothing and sends nothing
    before = _rows(db_url, "SELECT count(*) AS n FROM articles")[0]["n"]
    second = run()
    assert second.state == "success"
    assert _rows(db_url, "SELECT count(*) AS n FROM articles")[0]["n"] == before
    assert len(sink.messages) == 1
    assert _rows(db_url, "SELECT count(*) AS n FROM alerts")[0]["n"] == 1
    runs = _rows(db_url, "SELECT stats FROM runs ORDER BY id")
    assert len(runs) == 2 and runs[1]["stats"]["feeds_not_modified"] == len(MANIFEST["feeds"]) - len(broken)

    # a host that sends no validators: every entry is parsed again, and every one is known
    with psycopg.connect(db_url) as conn:
        conn.execute("UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL")
    assert run().state == "success"
    third = _rows(db_url, "SELECT stats FROM runs ORDER BY id")[2]["stats"]
    stored_cases = LOADED_CASES | {"seed_republication", "tracking_duplicate"}
    assert third["entries_seen"] == len(items)
    assert third["duplicates"] == sum(i["case"] in stored_cases for i in items)
    assert third["validated"] == 0
    assert third["quarantined_by_stage"] == {"fetch": 2, "extract": 2}  # re-checked, refused again
    assert _rows(db_url, "SELECT count(*) AS n FROM articles")[0]["n"] == before
    assert len(sink.messages) == 1
    assert _rows(db_url, "SELECT times_seen FROM quarantine WHERE item_key = %s", no_link["guid"]) == [{"times_seen": 2}]
