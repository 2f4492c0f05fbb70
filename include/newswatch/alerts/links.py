"""Links from emails back into Airflow: the run, a task's log, and the newswatch view.

The one place NEWSWATCH_AIRFLOW_URL is read (the address readers reach Airflow's UI at;
default http://127.0.0.1:8080, as `make airflow` serves it). The shapes are Airflow 3's UI
routes (the same as the Task SDK's `log_url`) and the newswatch plugin's routes
(plugins/newswatch_airflow/view_app.py, mounted at VIEW_PREFIX).
"""

from __future__ import annotations

import os
from urllib.parse import quote

AIRFLOW_URL_ENV = "NEWSWATCH_AIRFLOW_URL"
DEFAULT_AIRFLOW_URL = "http://127.0.0.1:8080"
VIEW_PREFIX = "/newswatch"  # the plugin's FastAPI app's url_prefix


def airflow_url() -> str:
    return (os.environ.get(AIRFLOW_URL_ENV) or DEFAULT_AIRFLOW_URL).rstrip("/")


def _seg(value: str) -> str:
    return quote(str(value), safe="")


def run_url(dag_id: str, run_id: str) -> str:
    """The DAG run in Airflow's UI (grid and run details)."""
    return f"{airflow_url()}/dags/{_seg(dag_id)}/runs/{_seg(run_id)}"


def task_log_url(dag_id: str, run_id: str, task_id: str, map_index: int | None = None,
                 try_number: int | None = None) -> str:
    """A task instance's page in Airflow's UI, which opens on its log."""
    url = f"{run_url(dag_id, run_id)}/tasks/{_seg(task_id)}"
    if map_index is not None and map_index >= 0:
        url += f"/mapped/{map_index}"
    if try_number:
        url += f"?try_number={try_number}"
    return url


def view_url(topic: str | None = None, run_id: str | None = None, anchor: str | None = None) -> str:
    """The newswatch view: all topics, a topic's latest run, or one run (with an #anchor)."""
    url = f"{airflow_url()}{VIEW_PREFIX}/"
    if topic:
        url += f"topics/{_seg(topic)}"
        if run_id:
            url += f"/runs/{_seg(run_id)}"
    return url + (f"#{anchor}" if anchor else "")
