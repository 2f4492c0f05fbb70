"""Issue 11, item 7: `newswatch check` refuses everything `run` would, with the file and the
field or file named; `run` refuses the same with the same message and exit code 2, never a
traceback. And a page refused one night that loads on a later one resolves its quarantine row."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from conftest import DEMO_SITE, DEMO_TOPIC, ROOT
from hostile_site import page
from newswatch import pipeline
from newswatch.alerts import outbox
from newswatch.config import load_topic
from newswatch.fixture_server import FixtureServer
from psycopg.rows import dict_row

NEWSWATCH = str(Path(sys.executable).parent / "newswatch")
SEEDS = ROOT / "include" / "seed_corpus"


def newswatch(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "NEWSWATCH_DEMO_BASE_URL": "http://127.0.0.1:1",
            "NEWSWATCH_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", **(env or {})}
    return subprocess.run([NEWSWATCH, *args], capture_output=True, text=True, env=full, timeout=120)


def refused_alike(topic: Path, *needles: str) -> str:
    """check and run both exit 2 with the same message, naming what is wrong; no traceback."""
    outputs = []
    for command in ("check", "run"):
        done = newswatch(command, "--topic", str(topic))
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and all(n in done.stderr for n in needles), done.stderr
        outputs.append(done.stderr)
    assert outputs[0] == outputs[1]
    return outputs[0]


def demo_variant(folder: Path, text: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "topic.yaml"
    path.write_text(f"extends: {DEMO_TOPIC}\n{text}", encoding="utf-8")
    return path


def test_a_topic_file_that_is_not_utf8(tmp_path):
    topic = tmp_path / "latin1.yaml"
    topic.write_bytes(f"extends: {DEMO_TOPIC}\ntitle: Caf\xe9 des nouvelles\n".encode("latin-1"))
    refused_alike(topic, str(topic), "not UTF-8", "0xe9")


def test_a_topic_that_extends_itself_or_a_cycle(tmp_path):
    itself = tmp_path / "self.yaml"
    itself.write_text("extends: self.yaml\nname: x\n", encoding="utf-8")
    refused_alike(itself, "`extends:` makes a cycle", f"{itself} → {itself}")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("extends: b.yaml\n", encoding="utf-8")
    b.write_text("extends: a.yaml\n", encoding="utf-8")
    refused_alike(a, f"{a} → {b} → {a}")


def test_extends_across_folders_resolves_seed_dir_from_the_file_that_sets_it(tmp_path, db_url, monkeypatch):
    monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", "http://127.0.0.1:1")
    base_dir, child_dir = tmp_path / "shared" / "topics", tmp_path / "team" / "topics"
    seeds = tmp_path / "shared" / "seeds"
    shutil.copytree(SEEDS, seeds)
    base = demo_variant(base_dir, "seed_dir: ../seeds\n")
    child = child_dir / "child.yaml"
    child_dir.mkdir(parents=True)
    child.write_text(f"extends: ../../shared/topics/{base.name}\nrelevance_threshold: 0.4\n", encoding="utf-8")
    assert load_topic(child).seed_path() == seeds.resolve()
    done = newswatch("check", "--topic", str(child))
    assert done.returncode == 0 and str(seeds.resolve()) in done.stdout, done.stderr
    seeded = newswatch("seed", "--topic", str(child), env={"NEWSWATCH_DATABASE_URL": db_url})
    assert seeded.returncode == 0 and "5 newly stored" in seeded.stdout, seeded.stderr  # before: FileNotFoundError


def test_a_latin1_seed_file_is_named(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    bad = seeds / "900_latin1.txt"
    bad.write_bytes("Caf\xe9 au lait\nUn texte en Latin-1.\n".encode("latin-1"))
    topic = demo_variant(tmp_path / "topics", f"seed_dir: {seeds}\n")
    refused_alike(topic, str(bad), "not UTF-8", "save the seed file as UTF-8")


@pytest.mark.parametrize("make, needle", [
    (lambda p: None, "does not exist"),
    (lambda p: p.mkdir(), "no seed articles (*.txt)"),
])
def test_a_missing_or_empty_seed_folder(tmp_path, make, needle):
    seeds = tmp_path / "seeds"
    make(seeds)
    topic = demo_variant(tmp_path / "topics", f"seed_dir: {seeds}\n")
    refused_alike(topic, str(seeds), needle)


def test_a_bad_seed_file_fails_the_dag_run_at_once_with_its_name(news_monitor_dag, demo_server, tmp_path,
                                                                monkeypatch, db_url):
    run, sink = news_monitor_dag
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "900_latin1.txt").write_bytes("Caf\xe9\n".encode("latin-1"))
    monkeypatch.setenv("NEWSWATCH_TOPICS_DIR", str(demo_variant(tmp_path / "topics", f"seed_dir: {seeds}\n")))
    dag_run = run()
    states = {ti.task_id: (ti.state, ti.try_number) for ti in dag_run.get_task_instances()}
    assert dag_run.state == "failed" and states["ensure_seeds"] == ("failed", 1)  # no pointless retries
    mail = [msg for _, msg in sink.messages if "task ensure_seeds failed" in msg["Subject"]]
    assert len(mail) == 1 and "900_latin1.txt: not UTF-8" in mail[0].get_body(("html",)).get_content()


def test_a_page_refused_after_a_404_that_loads_later_resolves_its_quarantine_row(tmp_path, monkeypatch, db_url):
    site = tmp_path / "site"
    shutil.copytree(DEMO_SITE, site)
    topic_path = DEMO_TOPIC
    with FixtureServer(site) as server:
        monkeypatch.setenv("NEWSWATCH_DEMO_BASE_URL", server.base_url)
        topic = load_topic(topic_path)
        deliver = outbox.outbox_deliverer(tmp_path / "outbox")
        pipeline.run_once(topic, deliver, "night-1", db_url)
        missing = f"{server.base_url}/articles/missing-page.html"
        with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute("SELECT * FROM quarantine WHERE item_key = %s", (missing,))
            [refused] = cur.fetchall()
        assert "404" in refused["reason"] and refused["resolved_at"] is None
        # the next night the page is there (and the feed changed, so it is read again)
        (site / "articles" / "missing-page.html").write_text(
            page("Russia and North Korea discuss new missile cooperation, report says"), encoding="utf-8")
        feed = site / "feeds" / "world-en.atom"
        feed.write_text(feed.read_text(encoding="utf-8").replace("</feed>", "<!-- night 2 --></feed>"), encoding="utf-8")
        summary = pipeline.run_once(topic, deliver, "night-2", db_url)
    with psycopg.connect(db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT q.*, a.canonical_url AS loaded_as, a.run_id AS loaded_by FROM quarantine q "
                    "JOIN articles a ON a.id = q.resolved_by_article_id WHERE q.item_key = %s", (missing,))
        [resolved] = cur.fetchall()
        cur.execute("SELECT id FROM runs WHERE run_id = 'night-2'")
        night2 = cur.fetchone()["id"]
    assert resolved["resolved_at"] is not None and resolved["loaded_as"] == missing and resolved["loaded_by"] == night2
    assert f"✓ resolved: {missing}" in summary
