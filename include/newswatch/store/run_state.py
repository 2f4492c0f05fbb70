"""A run's life in the `runs` table: who runs it, and closing the runs nobody runs any more.

A run is `running` from `start_run` until `finish_run` (success) or a failure is recorded. A
process killed in between (kill -9, a lost machine, Postgres gone when it tried to say so)
leaves its row `running` forever unless someone closes it. The next run of the topic does, at
its start, with the reason. A run is left behind when:

- its owner is a CLI process on this host (`cli:<host>:<pid>`) and that process is gone;
- its owner is Airflow and the new run is Airflow's too: the DAG runs at most one run at a
  time (`max_active_runs=1`), so an earlier Airflow run still `running` is one whose tasks
  died without their failure callback getting through;
- it has shown no sign of life (heartbeat: every stage moves it) for STALE_AFTER, whoever ran it.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

STALE_AFTER = timedelta(hours=6)
AIRFLOW = "airflow"


def cli_owner() -> str:
    return f"cli:{socket.gethostname()}:{os.getpid()}"


def _process_gone(owner: str) -> bool:
    """True when `owner` names a CLI process on this host that no longer runs."""
    kind, _, rest = owner.partition(":")
    host, _, pid = rest.rpartition(":")
    if kind != "cli" or host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return False


def claim(conn: psycopg.Connection, run: int, owner: str) -> None:
    conn.execute("UPDATE runs SET owner = %s, heartbeat_at = now() WHERE id = %s", (owner, run))


def close_stale_runs(conn: psycopg.Connection, topic: str, run_id: str, owner: str) -> list[dict[str, Any]]:
    """Mark the topic's runs left `running` by a dead process failed, with the reason. Returns them."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, run_id, owner, started_at, COALESCE(heartbeat_at, started_at) AS heartbeat,
                      now() - COALESCE(heartbeat_at, started_at) AS quiet
               FROM runs WHERE topic = %s AND status = 'running' AND run_id <> %s ORDER BY id""",
            (topic, run_id))
        candidates = cur.fetchall()
    closed = []
    for run in candidates:
        their = run["owner"] or ""
        if their and _process_gone(their):
            why = f"its process ({their}) is gone"
        elif their == AIRFLOW and owner == AIRFLOW:
            why = "an earlier Airflow run still marked running (the DAG runs one at a time)"
        elif run["quiet"] > STALE_AFTER:
            why = f"no sign of life for {run['quiet']} (owner {their or 'unknown'})"
        else:
            continue
        reason = f"left running: {why}; closed when run {run_id} started"
        conn.execute(
            """UPDATE runs SET status = 'failed', finished_at = now(),
                      stats = stats || %s WHERE id = %s AND status = 'running'""",
            (Jsonb({"failure": {"stage": "abandoned", "reason": reason}}), run["id"]))
        closed.append({**run, "reason": reason})
    return closed
