"""newswatch's Airflow plugin: the run-note listener (plugins/newswatch_airflow/run_note_listener.py)
and the newswatch view (plugins/newswatch_airflow/view_app.py): a FastAPI app at /newswatch,
linked from Airflow's nav and as a tab on every DAG run (the UI fills in {DAG_ID} and {RUN_ID})."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from newswatch_airflow import run_note_listener
from newswatch_airflow.view_app import app as view_app

VIEW_PREFIX = "/newswatch"  # = newswatch.alerts.links.VIEW_PREFIX (the emails link here)


class NewswatchPlugin(AirflowPlugin):
    name = "newswatch"
    listeners = [run_note_listener]
    fastapi_apps = [{"app": view_app, "url_prefix": VIEW_PREFIX, "name": "newswatch view"}]
    external_views = [
        {"name": "newswatch", "href": f"{VIEW_PREFIX}/", "destination": "nav", "url_route": "newswatch",
         "category": "browse"},
        {"name": "newswatch", "href": f"{VIEW_PREFIX}/dags/{{DAG_ID}}/runs/{{RUN_ID}}", "destination": "dag_run",
         "url_route": "newswatch-run"},
    ]
