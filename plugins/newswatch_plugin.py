"""newswatch's Airflow plugin: the run-note listener (plugins/newswatch_airflow/run_note_listener.py)."""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin
from newswatch_airflow import run_note_listener


class NewswatchPlugin(AirflowPlugin):
    name = "newswatch"
    listeners = [run_note_listener]
