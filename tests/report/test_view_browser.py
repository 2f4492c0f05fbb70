"""The newswatch view inside Airflow's UI, against a real `airflow api-server`
(tests/airflow_api_server.py: the server mounts the plugin's FastAPI app itself) and the demo
run's data in Postgres, opened in headless Chromium (tests/browser.py).

Anonymous requests are refused on every route (401; a forged token 403); a user signed in
through Airflow's own login page sees the topic in the nav, tonight's developments grouped by
story with their claims and why each is new, the quarantine, feed health and the run history;
the DAG run tab leads to the same run; a bearer token from POST /auth/token is served too.
"""

from __future__ import annotations

import subprocess
from urllib.parse import quote, unquote

import httpx
import psycopg
import pytest
from airflow_api_server import AIRFLOW, ApiServer
from conftest import DEMO_TOPIC, airflow_db_conn
from newswatch import pipeline
from newswatch.alerts import outbox as alerts
from psycopg.rows import dict_row

DAG_ID = "newswatch__russia_north_korea"


@pytest.fixture
def demo_run(db_url, demo_topic, tmp_path):
    """One demo run in the test database: (its Airflow run id, the alerted articles, the stories)."""
    pipeline.run_once(demo_topic, alerts.outbox_deliverer(tmp_path / "outbox"), db_url=db_url)
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT id, run_id FROM runs WHERE topic = %s", (demo_topic.name,))
        [run] = cur.fetchall()
        cur.execute("""SELECT a.id, a.title, a.story_id FROM alerts d JOIN articles a ON a.id = ANY(d.article_ids)
                       WHERE d.kind = 'digest'""")
        alerted = cur.fetchall()
        cur.execute("""SELECT count(*) AS n FROM claims c JOIN articles a ON a.id = c.article_id
                       WHERE a.run_id = %s AND c.is_new""", (run["id"],))
        claims = cur.fetchone()["n"]
    return run["run_id"], alerted, claims


@pytest.fixture
def api_server(airflow_home, db_url, demo_topic, tmp_path):
    """The API server, started after the sample site (the demo topic file names its address)."""
    env = {"NEWSWATCH_TOPICS_DIR": str(DEMO_TOPIC), "AIRFLOW_CONN_NEWSWATCH_DB": airflow_db_conn(db_url)}
    with ApiServer(tmp_path / "api-server", env) as server:
        yield server


def _routes(run_id: str) -> list[str]:
    run = quote(run_id, safe="")
    return ["/newswatch/", "/newswatch/topics/russia_north_korea", f"/newswatch/topics/russia_north_korea/runs/{run}",
            f"/newswatch/dags/{DAG_ID}/runs/{run}"]


def test_the_view_refuses_anonymous_requests_and_serves_a_token(api_server, demo_run):
    run_id, _, _ = demo_run
    for route in _routes(run_id):
        anonymous = httpx.get(api_server.url + route, follow_redirects=False)
        assert anonymous.status_code == 401, (route, anonymous.status_code, anonymous.text[:300])
        assert "Sign in to Airflow" in anonymous.text and "Known story" not in anonymous.text
        forged = httpx.get(api_server.url + route, headers={"Authorization": "Bearer not-a-jwt"})
        assert forged.status_code == 403, (route, forged.status_code)
        cookie = httpx.get(api_server.url + route, cookies={"_token": "not-a-jwt"})
        assert cookie.status_code == 403, (route, cookie.status_code)
    for user in ("admin", "viewer"):
        token = api_server.token(user)
        served = httpx.get(api_server.url + _routes(run_id)[2], headers={"Authorization": f"Bearer {token}"})
        assert served.status_code == 200 and "New developments" in served.text, (user, served.status_code)
    # the plugin is registered with the UI: a nav entry and a DAG-run tab
    plugins = httpx.get(f"{api_server.url}/api/v2/plugins",
                        headers={"Authorization": f"Bearer {api_server.token('admin')}"}).json()["plugins"]
    [ours] = [p for p in plugins if p["name"] == "newswatch"]
    assert {(v["destination"], v["href"]) for v in ours["external_views"]} == {
        ("nav", "/newswatch/"), ("dag_run", "/newswatch/dags/{DAG_ID}/runs/{RUN_ID}")}


def test_a_signed_in_user_sees_tonights_developments_in_airflows_ui(api_server, demo_run, browser_page, tmp_path):
    run_id, alerted, new_claims = demo_run
    page = browser_page
    # anonymous, in the browser: refused, with a way to sign in
    assert page.goto(f"{api_server.url}/newswatch/").status == 401
    # sign in through Airflow's own login page (simple auth manager)
    page.goto(f"{api_server.url}/auth/login")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(api_server.passwords["admin"])
    page.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/auth/login" not in url, timeout=60_000)
    assert any(c["name"] == "_token" for c in page.context.cookies())

    # the nav entry (Browse → newswatch): Airflow's UI shows the view in an iframe
    page.get_by_role("button", name="Browse").click()
    page.get_by_role("menuitem", name="newswatch").click()
    page.wait_for_url("**/plugin/newswatch**", timeout=30_000)
    frame = page.frame_locator("iframe[title=newswatch]")
    topic_link = frame.get_by_role("link", name="Russia–North Korea military cooperation")
    topic_link.wait_for(timeout=60_000)
    topic_link.click()
    frame.locator("#developments").wait_for(timeout=30_000)

    # the DAG run tab: Airflow's page of the run (the DAG serialized, the run made with the
    # demo run's id through the REST API), its "newswatch" tab shows the same run
    subprocess.run([str(AIRFLOW), "dags", "reserialize"], env=api_server.environment(), check=True,
                   capture_output=True, timeout=300)
    made = httpx.post(f"{api_server.url}/api/v2/dags/{DAG_ID}/dagRuns", json={"dag_run_id": run_id, "logical_date": None},
                      headers={"Authorization": f"Bearer {api_server.token('admin')}"}, timeout=60)
    assert made.status_code == 200, made.text
    page.goto(f"{api_server.url}/dags/{DAG_ID}/runs/{quote(run_id, safe='')}")
    page.get_by_role("link", name="newswatch", exact=True).click()  # the run's tabs are links
    page.wait_for_url("**/plugin/newswatch-run**", timeout=30_000)
    tab = page.frame_locator("iframe[title=newswatch]")
    tab.locator("#run-summary").wait_for(timeout=60_000)
    assert run_id in tab.locator("#run-summary").inner_text()

    # the view's own page (outside the UI's frame)
    page.goto(f"{api_server.url}/newswatch/dags/{DAG_ID}/runs/{quote(run_id, safe='')}")
    assert unquote(page.url).endswith(f"/newswatch/topics/russia_north_korea/runs/{run_id}"), page.url
    stories = page.locator("section.story")
    assert stories.count() == len({a["story_id"] for a in alerted})
    for article in alerted:  # every new development, with why it is new
        item = page.locator(f"#article-{article['id']}")
        assert item.is_visible() and article["title"] in item.locator("h4").inner_text()
        assert item.locator("p.why").inner_text().startswith("Why it is new: ")
    claims = page.locator("li.claim")
    assert claims.count() == new_claims  # every new claim of the run, not only the email's three
    categories = set(claims.evaluate_all("els => els.map(e => e.dataset.category)"))
    assert {"new", "update", "contradicts"} <= categories, categories
    judged = page.locator("li.claim[data-category=update]").first.inner_text()
    assert "what changed:" in judged and "nearest known claim (similarity" in judged, judged
    assert page.locator("#quarantine").is_visible() and page.locator("#feeds").is_visible()
    assert page.locator("#runs tr").count() == 2  # the header and this run
    assert page.locator("#trends svg polyline").count() == 5
    assert page.blocked_requests == []
    shot = tmp_path / "view.png"
    page.screenshot(path=str(shot), full_page=True)
    print(f"view screenshot: {shot}")


def test_the_run_page_escapes_article_text_and_links_only_http():
    from datetime import datetime, timezone

    from newswatch.alerts.digest import Digest, DigestItem, DigestStory
    from newswatch_airflow.view_app import _templates, trends

    item = DigestItem(article_id=1, title='<script>alert("x")</script> किम', link="javascript:alert(1)", source="<b>s</b>",
                      language="hi", new_story=True, why="<i>opens a new story</i>")
    digest = Digest(stories=[DigestStory(story_id=1, new_story=True, headline="<img src=x>", items=[item])])
    run = {"id": 1, "run_id": "r<1>", "status": "success", "started_at": datetime(2026, 11, 20, tzinfo=timezone.utc),
           "new_developments": 1, "claims_new": 0, "quarantined": 0, "feeds_failed": 0, "articles_loaded": 1,
           "failure": None}
    page = _templates.get_template("view_run.html.j2").render(
        url=lambda route, **kw: f"/newswatch/{route}", dag_prefix="newswatch__", topic="t", title="T",
        dag_id="newswatch__t", run=run, digest=digest, quarantine=[], feeds=[], history=[run], trends=trends([run]))
    assert "<script>" not in page and "&lt;script&gt;" in page and "<img src=x>" not in page and "<b>s" not in page
    assert "javascript:" not in page and "r&lt;1&gt;" in page
