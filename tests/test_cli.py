"""The `newswatch` command, run as a user runs it (a subprocess), outside Airflow."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import yaml
from conftest import DEMO_LOADED_CASES, DEMO_TOPIC

MANIFEST = yaml.safe_load((DEMO_TOPIC.parent / "expected.yaml").read_text(encoding="utf-8"))
EXPECTED_NEW = sum(i["case"] in DEMO_LOADED_CASES
                   for i in MANIFEST["items"])

NEWSWATCH = str(Path(sys.executable).parent / "newswatch")


def _run(args, env_extra, check=True):
    env = {**os.environ, **env_extra}
    return subprocess.run([NEWSWATCH, *args], capture_output=True, text=True, env=env, check=check, timeout=300)


def test_run_is_one_pass_of_the_pipeline_with_summary_and_outbox(db_url, demo_server, tmp_path):
    env = {"NEWSWATCH_DATABASE_URL": db_url, "NEWSWATCH_OUTBOX_DIR": str(tmp_path),
           "NEWSWATCH_DEMO_BASE_URL": demo_server.base_url}
    assert "5 newly stored" in _run(["seed", "--topic", str(DEMO_TOPIC)], env).stdout
    out = _run(["run", "--topic", str(DEMO_TOPIC)], env).stdout
    assert "feeds: 3 ok, 0 not modified, 1 failed" in out
    assert "[content_hash] duplicates seed://russia_north_korea/002_b301b58a1966a28f.txt" in out
    assert f"loaded: {EXPECTED_NEW} new articles" in out
    emls = list(tmp_path.glob("*.eml"))
    assert len(emls) == 1 and f"outbox:{emls[0]}" in out
    again = _run(["run", "--topic", str(DEMO_TOPIC)], env).stdout
    assert "loaded: 0 new articles" in again and "alert: none (nothing new)" in again
    assert len(list(tmp_path.glob("*.eml"))) == 1
    with psycopg.connect(db_url) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 2


def test_bad_topic_file_exits_2_naming_file_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad Name\ntitle: x\n", encoding="utf-8")
    done = _run(["check", "--topic", str(bad)], {}, check=False)
    assert done.returncode == 2
    assert str(bad) in done.stderr and "name" in done.stderr and "languages" in done.stderr
