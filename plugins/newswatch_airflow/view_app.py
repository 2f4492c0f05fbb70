"""The newswatch view inside Airflow's UI: a FastAPI app the API server mounts at /newswatch
(newswatch_plugin.py registers it, with a nav entry and a tab on every DAG run).

Server-side HTML (Jinja2, autoescaped): the topics with their latest run, and per run of a
topic: tonight's new developments grouped by story with every new claim and why it is new
(category, nearest known claim, what changed: the claims table's per-claim judgement, read
through newswatch.alerts.digest like the email), the run's quarantine with reasons, feed
health, and the run history with trends. Everything is read through the library
(newswatch.store.views, newswatch.store.quarantine); every route needs Airflow's auth
(view_auth.py).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from newswatch.dag_ids import DAG_PREFIX, dag_id_for

from newswatch_airflow.topics import catalog
from newswatch_airflow.view_auth import current_user, may_read_topic, require_topic

HISTORY_RUNS = 30
TRENDS = [("new_developments", "new developments"), ("claims_new", "new claims"),
          ("articles_loaded", "articles loaded"), ("quarantined", "quarantined"), ("feeds_failed", "failing feeds")]

_templates = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                         autoescape=select_autoescape(enabled_extensions=("html.j2",)),
                         trim_blocks=True, lstrip_blocks=True)

# The app-wide dependency protects every route, including ones added later.
app = FastAPI(title="newswatch view", dependencies=[Depends(current_user)], docs_url=None, redoc_url=None,
              openapi_url=None)


@app.exception_handler(HTTPException)
async def _refused(request: Request, exc: HTTPException) -> HTMLResponse:
    """401/403 as a page a person can act on (sign in to Airflow, then come back)."""
    back = html.escape(str(request.url), quote=True)
    login = f'<p><a href="/auth/login?next={back}" target="_top">Sign in to Airflow</a></p>' \
        if exc.status_code == 401 else ""
    body = f"<!doctype html><title>newswatch: {exc.status_code}</title><h1>{exc.status_code}</h1>" \
           f"<p>{html.escape(str(exc.detail))}</p>{login}"
    return HTMLResponse(body, status_code=exc.status_code, headers=getattr(exc, "headers", None))


def _database_url() -> str:
    """The `newswatch_db` connection as the API server sees it (its secrets backends and
    AIRFLOW_CONN_*), else newswatch's own setting (NEWSWATCH_DATABASE_URL, embedded)."""
    from airflow.exceptions import AirflowNotFoundException
    from airflow.models.connection import Connection
    from newswatch.store.db import database_url

    from newswatch_airflow.conn_ids import DB_CONN_ID

    try:
        return database_url(Connection.get_connection_from_secrets(DB_CONN_ID).get_uri())
    except AirflowNotFoundException:
        return database_url()


def _topics() -> dict[str, Any]:
    """topic name → Topic, for every topic file that loads (the DAGs that exist)."""
    return {source.topic.name: source.topic for source in catalog().topics}


def _page(name: str, request: Request, **context: Any) -> HTMLResponse:
    def url(route: str, **params: Any) -> str:
        return str(request.url_for(route, **params))

    return HTMLResponse(_templates.get_template(name).render(url=url, dag_prefix=DAG_PREFIX, **context))


@app.get("/", name="index")
def index(request: Request, user: Any = Depends(current_user)) -> HTMLResponse:
    from newswatch.store import views
    from newswatch.store.db import connect

    topics = {name: t for name, t in _topics().items() if may_read_topic(user, name)}
    with connect(_database_url()) as conn:
        latest = views.latest_runs(conn, list(topics))
    rows = [{"name": name, "title": t.title, "dag_id": dag_id_for(name), "run": latest.get(name)}
            for name, t in sorted(topics.items())]
    return _page("view_index.html.j2", request, topics=rows)


@app.get("/dags/{dag_id}/runs/{run_id}", name="dag_run")
def dag_run(dag_id: str, run_id: str, request: Request, user: Any = Depends(current_user)):
    """The DAG-run tab's target: a newswatch DAG's run goes to its page."""
    if not dag_id.startswith(DAG_PREFIX):
        return _page("view_other_dag.html.j2", request, dag_id=dag_id)
    topic = dag_id.removeprefix(DAG_PREFIX)
    require_topic(user, topic)
    return RedirectResponse(request.url_for("run_page", topic=topic, run_id=run_id), status_code=303)


@app.get("/topics/{topic}", name="topic_page")
def topic_page(topic: str, request: Request, user: Any = Depends(current_user)) -> HTMLResponse:
    return _run_response(topic, None, request, user)


@app.get("/topics/{topic}/runs/{run_id}", name="run_page")
def run_page(topic: str, run_id: str, request: Request, user: Any = Depends(current_user)) -> HTMLResponse:
    return _run_response(topic, run_id, request, user)


def _run_response(topic: str, run_id: str | None, request: Request, user: Any) -> HTMLResponse:
    from newswatch.alerts.digest import build_digest
    from newswatch.store import quarantine, views
    from newswatch.store.db import connect

    require_topic(user, topic)
    known = _topics().get(topic)
    with connect(_database_url()) as conn:
        history = views.last_runs(conn, topic, HISTORY_RUNS)
        run = views.run_of(conn, topic, run_id) if run_id else (history[0] if history else None)
        if run is None and (run_id or known is None):
            raise HTTPException(404, f"no run {run_id} of topic {topic}" if run_id else f"no topic {topic}")
        digest = build_digest(conn, run["id"]) if run else None
        refused = quarantine.quarantine_of_run(conn, run["id"]) if run else []
        feeds = views.feed_health(conn, topic)
    return _page("view_run.html.j2", request, topic=topic, title=known.title if known else topic,
                 dag_id=dag_id_for(topic), run=run, digest=digest, quarantine=refused, feeds=feeds,
                 history=history, trends=trends(history))


def trends(history: list[dict[str, Any]], width: int = 160, height: int = 28) -> list[dict[str, Any]]:
    """Per count, its values over the runs (oldest first) and an SVG polyline of them."""
    runs = list(reversed(history))
    out = []
    for key, label in TRENDS:
        values = [int(r.get(key) or 0) for r in runs]
        top = max(values, default=0) or 1
        step = width / max(len(values) - 1, 1)
        points = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
        out.append({"key": key, "label": label, "series": values, "points": points, "last": values[-1] if values else 0,
                    "top": max(values, default=0), "width": width, "height": height})
    return out
