"""`newswatch demo`: the main job end to end on a bare machine.

Serves the bundled sample site (include/demo/site) on a fixed loopback port, migrates the
embedded Postgres, stores the seeds, runs the demo topic's DAG (include/demo/topics/demo.yaml →
`newswatch__demo`) once through Airflow (`airflow dags test`), and prints the run summary. The port stays the same from one demo to
the next, so a second demo sees the same URLs and, correctly, finds nothing new: it is
NEWSWATCH_DEMO_PORT when set (an error if that port is taken), else the port the last demo
used (`$NEWSWATCH_HOME/demo-port`), else 8765; when that one is taken, a free port is taken
instead and remembered.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from newswatch import paths
from newswatch.config import load_topic
from newswatch.dag_ids import dag_id_for
from newswatch.fixture_server import FixtureServer
from newswatch.report.summary import run_summary
from newswatch.seeds import load_topic_seeds
from newswatch.store.db import connect, newswatch_home
from newswatch.store.migrate import migrate

DEMO_TOPICS = paths.DEMO / "topics"  # `make airflow` adds this folder to the topics
DEMO_TOPIC = DEMO_TOPICS / "demo.yaml"
DEMO_SITE = paths.DEMO / "site"


DEFAULT_PORT = 8765


class DemoPortError(RuntimeError):
    """The port asked for (NEWSWATCH_DEMO_PORT) cannot be used."""


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the HTTP server binds it
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def demo_port() -> tuple[int, str | None]:
    """(port, a note for the user when it is not the one they would expect)."""
    asked = os.environ.get("NEWSWATCH_DEMO_PORT")
    if asked:
        if not asked.isdigit() or not 0 < int(asked) < 65536:
            raise DemoPortError(f"NEWSWATCH_DEMO_PORT={asked!r} is not a port number")
        if not _free(int(asked)):
            raise DemoPortError(f"port {asked} (NEWSWATCH_DEMO_PORT) is in use; set NEWSWATCH_DEMO_PORT to a "
                                "free port, e.g. NEWSWATCH_DEMO_PORT=8771 make demo")
        return int(asked), None
    remembered = newswatch_home() / "demo-port"
    text = remembered.read_text().strip() if remembered.exists() else ""
    port = int(text) if text.isdigit() else DEFAULT_PORT
    if _free(port):
        return port, None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    remembered.write_text(f"{free}\n")
    return free, (f"port {port} is in use: serving the sample site on {free} instead (remembered in {remembered}; "
                  "set NEWSWATCH_DEMO_PORT to choose the port)")


def demo_site(program: str) -> FixtureServer | None:
    """The bundled sample site on the demo's port (enter it to serve), or None once `program`
    has said why no port can be had (`make demo` and `make airflow` alike)."""
    try:
        port, note = demo_port()
    except DemoPortError as exc:
        print(f"{program}: {exc}", file=sys.stderr)
        return None
    if note:
        print(note)
    return FixtureServer(DEMO_SITE, port=port)


def run_demo() -> int:
    site = demo_site("newswatch demo")
    if site is None:
        return 2
    started = time.perf_counter()
    with site as server:
        os.environ["NEWSWATCH_DEMO_BASE_URL"] = server.base_url
        os.environ["NEWSWATCH_TOPICS_DIR"] = str(DEMO_TOPIC)  # the one DAG this Airflow process parses
        topic = load_topic(DEMO_TOPIC)
        dag_id = dag_id_for(topic.name)
        print(f"sample feeds served at {server.base_url}; database in {newswatch_home()}")
        print(f"schema at revision {migrate()}")
        with connect() as conn:
            inserted, total = load_topic_seeds(conn, topic)
        print(f"seed corpus: {total} articles ({inserted} stored now)")
        log_path = newswatch_home() / "demo-airflow.log"
        airflow = shutil.which("airflow", path=str(Path(sys.executable).parent)) or "airflow"
        print(f"running {dag_id} through Airflow (airflow dags test) ...")
        with log_path.open("w") as log:
            done = subprocess.run([airflow, "dags", "test", dag_id], stdout=log,
                                  stderr=subprocess.STDOUT, env=os.environ.copy(), check=False)
        if done.returncode != 0:
            print(f"the DAG run failed (exit {done.returncode}); Airflow's log: {log_path}", file=sys.stderr)
            print(log_path.read_text()[-3000:], file=sys.stderr)
            return 1
        with connect() as conn:
            print()
            print(run_summary(conn, topic))
    print(f"\nAirflow's log of the run: {log_path}")
    print(f"demo finished in {time.perf_counter() - started:.1f}s")
    return 0
