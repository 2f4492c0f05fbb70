"""End to end through Airflow (`dag.test()`): real Postgres, the sample site on a loopback
HTTP server, the DAG's SMTP connection pointing at a loopback SMTP server.

What is expected of each feed item comes from include/demo/expected.yaml, the labelled
manifest of the sample feeds.
"""

from __future__ import annotations

import re

import psycopg
import pytest
import yaml
from conftest import DEMO_LOADED_CASES, ROOT
from newswatch.text.urls import canonical_url
from psycopg.rows import dict_row

MANIFEST = yaml.safe_load((ROOT / "include" / "demo" / "expected.yaml").read_text(encoding="utf-8"))
LOADED_CASES = DEMO_LOADED_CASES


def _url(link: str, base: str) -> str:
    return canonical_url(link.replace("__BASE_URL__", base))


@pytest.fixture
def airflow_run(news_monitor_dag, db_url, demo_server):
    run, sink = news_monitor_dag
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

    # one digest, listing exactly the new developments, each with why it is new
    assert len(sink.messages) == 1
    rcpts, msg = sink.messages[0]
    assert rcpts == ["analysts@example.org"]
    body = msg.get_body(("plain",)).get_content()
    developments = _rows(db_url, """SELECT title, novelty FROM articles
                                    WHERE NOT is_seed AND duplicate_of IS NULL AND is_new_development""")
    assert developments and all(r["title"] in body for r in developments)
    assert body.count("\n   http") == len(developments)
    assert body.count("Why it is new: ") == len(developments)
    assert republication["title"] not in body

    # the article with a new claim is alerted, the claim quoted with its speaker ...
    new_claim = next(i for i in items if i["case"] == "new_claim")
    assert new_claim["title"] in body
    speaker = new_claim["claim_speaker"].split(",")[0]  # अलेक्सेई वोरोनिन
    assert any(line.strip().startswith("said by: ") and speaker in line for line in body.splitlines())
    # ... the one that only restates a seed's claims in other words is stored but not alerted,
    # and the reason names the seed story and the claims it repeats
    restated = next(i for i in items if i["case"] == "restates_seed_claim")
    # not listed as a development ("N. <title>"); another development may name it as its nearest known article
    assert not re.search(rf"^\d+\. {re.escape(restated['title'])}\s*$", body, re.M)
    [row] = _rows(db_url, """SELECT a.is_new_development, a.novelty, s.canonical_url AS story_head
                             FROM articles a JOIN articles s ON s.id = a.story_id
                             WHERE a.canonical_url = %s""", _url(restated["link"], base))
    assert row["is_new_development"] is False
    assert row["story_head"].startswith("seed://") and row["novelty"]["new_claims"] == 0
    assert row["novelty"]["known_claims"] >= 3
    restated_claims = _rows(db_url, """SELECT c.is_new, k.is_seed AS nearest_is_seed FROM claims c
                                       JOIN articles a ON a.id = c.article_id
                                       LEFT JOIN articles k ON k.id = c.nearest_article_id
                                       WHERE a.canonical_url = %s""", _url(restated["link"], base))
    assert restated_claims and all(not c["is_new"] and c["nearest_is_seed"] for c in restated_claims)

    # the update and the contradiction are alerted as such, saying against what
    update = next(i for i in items if i["case"] == "update_claim")
    contradiction = next(i for i in items if i["case"] == "contradicts_claim")
    judged = {r["sentence"]: r for r in _rows(db_url, """SELECT c.sentence, c.category, c.changed, m.sentence AS known,
                                                                 ka.canonical_url AS known_url
                                                          FROM claims c LEFT JOIN claims m ON m.id = c.matched_claim_id
                                                          LEFT JOIN articles ka ON ka.id = m.article_id""")}
    assert judged[update["claim"]]["category"] == "update"
    assert judged[update["claim"]]["changed"]["text"] == update["changed"]
    assert judged[update["claim"]]["known_url"] == _url(f"__BASE_URL__/{update['updates_page']}", base)
    assert judged[contradiction["claim"]]["category"] == "contradicts"
    assert judged[contradiction["claim"]]["known_url"] == f"seed://russia_north_korea/{contradiction['contradicts_seed']}"
    lines = body.splitlines()
    at = next(k for k, line in enumerate(lines) if line.strip().startswith(f'+ updates: “{update["claim"][:60]}'))
    assert lines[at + 2].strip().startswith(f"{update['changed']}, said by ")
    assert any(line.strip().startswith(f'+ contradicts: “{contradiction["claim"][:60]}') for line in lines)
    # a claim sharing little more than the topic's names with a known one is no update or
    # contradiction: those two are the only changed facts of the demo
    for prefix in (c for i in items for c in i.get("loose_matches", ())):
        [sentence] = [s for s in judged if s.startswith(prefix)]
        assert judged[sentence]["category"] not in ("update", "contradicts"), (sentence, judged[sentence])
    changed = {s for s, r in judged.items() if r["category"] in ("update", "contradicts")}
    assert changed == {update["claim"], contradiction["claim"]}
    assert sum(line.strip().startswith(("+ updates: ", "+ contradicts: ")) for line in lines) == 2
    assert "restates" not in body  # restatements stay out of the alert

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
