"""What the bench scripts share: a topic file for generated loopback feeds, a throwaway database."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_topic(path: Path, feeds: list[tuple[str, str]]) -> None:
    """A topic that extends the real one, its feeds at ${NEWSWATCH_DEMO_BASE_URL}/feeds/<file>.
    `feeds` holds (file name, language) pairs."""
    lines = [f"extends: {ROOT / 'include' / 'topics' / 'russia_north_korea.yaml'}",
             f"seed_dir: {ROOT / 'include' / 'seed_corpus'}", "search: null", "feeds:"]
    lines += [f'  - {{name: {name}, url: "${{NEWSWATCH_DEMO_BASE_URL}}/feeds/{name}", language: {lang}}}'
              for name, lang in feeds]
    lines += ["http: {timeout_s: 10, max_bytes: 10485760, allow_loopback: true}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def fresh_database() -> tuple[str, str, str]:
    """(admin URL, database name, its URL) on NEWSWATCH_DATABASE_URL's server or the embedded one."""
    from newswatch.store.db import create_database, database_url, with_database

    admin = database_url()
    name = f"nw_bench_{uuid.uuid4().hex[:8]}"
    create_database(admin, name)
    return admin, name, with_database(admin, name)


def report(figures: dict) -> None:
    """The bench convention: readable lines on stderr, one JSON object as stdout's last line."""
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:>{width}}: {value}", file=sys.stderr)
    print(json.dumps(figures, ensure_ascii=False))
