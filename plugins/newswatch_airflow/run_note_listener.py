"""Puts each topic run's one-line note on its DagRun ("3 new developments · 1 failing feed ·
2 quarantined"), where the grid and the runs list show it.

A task cannot set its run's note in Airflow 3: the Task SDK's execution API has no call for it
and the REST API would need credentials in every task. A listener can: Airflow calls it where
the run's state changes (the scheduler; `dag.test()` in its own process), with the run in a
metadata-DB session. The note's text comes from the `summary` task (its `run_note` XCom, made by
newswatch.report.run_note), so this listener never reads newswatch's own database.
"""

from __future__ import annotations

import logging

from airflow.listeners import hookimpl
from newswatch.dag_ids import DAG_PREFIX

log = logging.getLogger(__name__)

NOTE_TASK = "summary"
NOTE_KEY = "run_note"  # = newswatch_airflow.stages.RUN_NOTE_KEY (not imported: keep the scheduler light)


def _note_of(dag_run, session) -> str | None:
    from airflow.models.xcom import XComModel

    query = XComModel.get_many(run_id=dag_run.run_id, dag_ids=dag_run.dag_id, task_ids=NOTE_TASK,
                               key=NOTE_KEY, limit=1)
    row = session.scalars(query).first()
    return None if row is None else XComModel.deserialize_value(row)


def _set_note(dag_run) -> None:
    if not dag_run.dag_id.startswith(DAG_PREFIX):
        return
    from sqlalchemy.orm import object_session

    try:
        session = object_session(dag_run)
        if session is not None:  # the scheduler's: the note is committed with the run's state
            _write(dag_run, session)
            return
        # `dag.test()` hands over a run no session holds: use one of our own
        from airflow.models.dagrun import DagRun
        from airflow.utils.session import create_session

        with create_session() as own:
            run = own.get(DagRun, dag_run.id)
            if run is not None:
                _write(run, own)
    except Exception:  # noqa: BLE001 - a note must never disturb the scheduler
        log.exception("could not set the run note of %s %s", dag_run.dag_id, dag_run.run_id)


def _write(dag_run, session) -> None:
    note = _note_of(dag_run, session)
    if note and not dag_run.note:  # a note someone wrote by hand stays
        dag_run.note = str(note)[:1000]
        session.flush()


@hookimpl
def on_dag_run_success(dag_run, msg: str) -> None:
    _set_note(dag_run)


@hookimpl
def on_dag_run_failed(dag_run, msg: str) -> None:
    _set_note(dag_run)  # only when its summary ran
