"""`newswatch demo`: the main job end to end on a bare machine.

Serves the bundled sample site (include/demo/site) on a fixed loopback port, migrates the
embedded Postgres, stores the seeds, runs the `news_monitor` DAG once through Airflow
(`airflow dags test`), and prints the run summary. The port is fixed (NEWSWATCH_DEMO_PORT,
default 8765) so a second demo sees the same URLs and, correctly, finds nothing new.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from newswatch.config import load_topic
from newswatch.db import connect, newswatch_home
from newswatch.fixture_server import FixtureServer
from newswatch.migrate import migrate
from newswatch.seeds import load_topic_seeds
from newswatch.summary import run_summary

INCLUDE = Path(__file__).resolve().parents[1]
DEMO_TOPIC = INCLUDE / "demo" / "topic.yaml"
DEMO_SITE = INCLUDE / "demo" / "site"


def run_demo() -> int:
    port = int(os.environ.get("NEWSWATCH_DEMO_PORT", "8765"))
    started = time.perf_counter()
    with FixtureServer(DEMO_SITE, port=port) as server:
        os.environ["NEWSWATCH_DEMO_BASE_URL"] = server.base_url
        os.environ["NEWSWATCH_TOPIC"] = str(DEMO_TOPIC)
        topic = load_topic(DEMO_TOPIC)
        print(f"sample feeds served at {server.base_url}; database in {newswatch_home()}")
        print(f"schema at revision {migrate()}")
        with connect() as conn:
            inserted, total = load_topic_seeds(conn, topic)
        print(f"seed corpus: {total} articles ({inserted} stored now)")
        log_path = newswatch_home() / "demo-airflow.log"
        airflow = shutil.which("airflow", path=str(Path(sys.executable).parent)) or "airflow"
        print("running news_monitor through Airflow (airflow dags test) ...")
        with log_path.open("w") as log:
            done = subprocess.run([airflow, "dags", "test", "news_monitor"], stdout=log,
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
