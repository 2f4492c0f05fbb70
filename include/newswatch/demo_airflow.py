"""`make airflow`: Airflow's UI with the real topics' DAGs and the demo topic's, working offline.

Serves the bundled sample site on the demo's port (as `newswatch demo`), migrates the article
store, adds the demo topics (include/demo/topics/) to NEWSWATCH_TOPICS_DIR, and runs `airflow
standalone` until it stops (Ctrl-C). Once the DAG processor has parsed it, the demo DAG
(`newswatch__demo`) is unpaused and triggered once, so a newcomer sees a green run (its run note,
the summary in the `summary` log) within a few minutes; NEWSWATCH_DEMO_TRIGGER=0 leaves it be.
The real topics' DAGs stay paused: offline, their feeds fail.

    python -m newswatch.demo_airflow
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from newswatch import paths
from newswatch.dag_ids import dag_id_for
from newswatch.demo import DEMO_TOPIC, DEMO_TOPICS, demo_site
from newswatch.store.migrate import migrate

REAL_TOPICS = paths.TOPICS
DEMO_DAG = dag_id_for("demo")  # the name in include/demo/topics/demo.yaml


def _airflow() -> str:
    # the PATH's first (the Makefile puts the venv's bin first), else the one beside this interpreter
    return shutil.which("airflow") or shutil.which("airflow", path=str(Path(sys.executable).parent)) or "airflow"


def _trigger_when_parsed(env: dict[str, str], stop: threading.Event, wait_s: float = 300) -> None:
    deadline = time.monotonic() + wait_s
    while not stop.is_set() and time.monotonic() < deadline:
        unpaused = subprocess.run([_airflow(), "dags", "unpause", DEMO_DAG], env=env, capture_output=True, text=True)
        if unpaused.returncode == 0:
            subprocess.run([_airflow(), "dags", "trigger", DEMO_DAG], env=env, capture_output=True, text=True)
            from newswatch.alerts.links import view_url

            print(f"newswatch: {DEMO_DAG} unpaused and triggered; open it in the UI, and its developments "
                  f"in the newswatch view (Browse → newswatch): {view_url()}", flush=True)
            return
        stop.wait(5)
    if not stop.is_set():
        print(f"newswatch: {DEMO_DAG} did not show up in {wait_s:.0f}s; see Browse → Dag Import Errors", flush=True)


def main() -> int:
    site = demo_site("newswatch")
    if site is None:
        return 2
    with site as server:
        env = os.environ.copy()
        env["NEWSWATCH_DEMO_BASE_URL"] = server.base_url
        env.setdefault("NEWSWATCH_TOPICS_DIR", os.pathsep.join([str(REAL_TOPICS), str(DEMO_TOPICS)]))
        print(f"sample site at {server.base_url}; topics from {env['NEWSWATCH_TOPICS_DIR']} "
              f"(demo topic {DEMO_TOPIC.name} → {DEMO_DAG}); article store at revision {migrate()}", flush=True)
        stop = threading.Event()
        if env.get("NEWSWATCH_DEMO_TRIGGER", "1") != "0":
            threading.Thread(target=_trigger_when_parsed, args=(env, stop), daemon=True).start()
        standalone = subprocess.Popen([_airflow(), "standalone"], env=env)
        try:
            return standalone.wait()
        except KeyboardInterrupt:
            standalone.terminate()
            return standalone.wait(timeout=60)
        finally:
            stop.set()


if __name__ == "__main__":
    sys.exit(main())
