"""Benchmark: parsing the DAG folder with N topic files (default 50), as Airflow does it.

Writes N topic files (each the real topic under its own name, 7 feeds), points
NEWSWATCH_TOPICS_DIR at them and times, in a fresh process each time:

- `DagBag` of dags/ (both DAG files: the topic DAGs, and the broken-topic report), the
  DAG processor's own parse, best of --repeat (after `import airflow`, which is not the files' cost);
- `airflow dags list-import-errors` after `airflow dags reserialize` (a throwaway SQLite
  metadata DB): the CLI round trip an operator sees, once.

Prints seconds per step; the last line is one JSON object of figures.

    python bench/dag_parse.py [--topics 50] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL_TOPIC = ROOT / "include" / "topics" / "russia_north_korea.yaml"
AIRFLOW = Path(sys.executable).parent / "airflow"

PARSE = """
import time
from airflow.dag_processing.dagbag import DagBag  # Airflow's own import is not the DAG files' cost
t = time.perf_counter()
bag = DagBag(dag_folder={dags!r})
print(time.perf_counter() - t, len(bag.dags), len(bag.import_errors))
"""


def write_topics(folder: Path, n: int) -> None:
    for i in range(n):
        (folder / f"topic_{i:03d}.yaml").write_text(
            f"extends: {REAL_TOPIC}\nname: bench_topic_{i:03d}\ntitle: Bench topic {i}\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topics", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newswatch-dag-parse-") as tmp:
        folder = Path(tmp) / "topics"
        folder.mkdir()
        write_topics(folder, args.topics)
        env = {**os.environ, "NEWSWATCH_TOPICS_DIR": str(folder), "AIRFLOW_HOME": str(Path(tmp) / "airflow"),
               "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"), "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
               "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
        env.pop("NEWSWATCH_TOPIC", None)
        parses = []
        for _ in range(args.repeat):
            done = subprocess.run([sys.executable, "-c", PARSE.format(dags=str(ROOT / "dags"))], env=env,
                                  capture_output=True, text=True, check=True)
            seconds, dags, errors = done.stdout.split()[-3:]
            assert int(dags) == args.topics and int(errors) == 0, done.stdout[-2000:] + done.stderr[-2000:]
            parses.append(float(seconds))
        print(f"DagBag of dags/ with {args.topics} topic files: {min(parses):.2f}s best of {args.repeat} "
              f"({', '.join(f'{p:.2f}' for p in parses)}), {args.topics} DAGs, 0 import errors")
        subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, capture_output=True, check=True)
        started = time.perf_counter()
        subprocess.run([str(AIRFLOW), "dags", "reserialize"], env=env, capture_output=True, check=True)
        reserialize = time.perf_counter() - started
        started = time.perf_counter()
        listed = subprocess.run([str(AIRFLOW), "dags", "list-import-errors", "-o", "json"], env=env,
                                capture_output=True, text=True)
        list_errors = time.perf_counter() - started
        print(f"airflow dags reserialize: {reserialize:.2f}s; airflow dags list-import-errors: {list_errors:.2f}s "
              f"(exit {listed.returncode}: {listed.stdout.strip().splitlines()[-1][:80] if listed.stdout.strip() else ''})")
    print(json.dumps({"topics": args.topics, "dagbag_parse_s_best": round(min(parses), 3),
                      "dagbag_parse_s_all": [round(p, 3) for p in parses],
                      "reserialize_s": round(reserialize, 3), "list_import_errors_s": round(list_errors, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
