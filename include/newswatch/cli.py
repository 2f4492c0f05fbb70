"""`newswatch` command: migrate, seed, run one pass of the pipeline, print a run summary.

Outside Airflow the database comes from NEWSWATCH_DATABASE_URL (else the embedded Postgres)
and mail goes to NEWSWATCH_SMTP_URL (smtp://host:port), else to .eml files in the outbox.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from newswatch.config import TopicConfigError, load_topic

DEFAULT_TOPIC = Path(__file__).resolve().parents[1] / "topics" / "russia_north_korea.yaml"


def _deliverer():
    from newswatch import alerts

    smtp_url = os.environ.get("NEWSWATCH_SMTP_URL")
    if smtp_url:
        parts = urlsplit(smtp_url)
        return alerts.smtp_deliverer(parts.hostname or "localhost", parts.port or 25, parts.username,
                                     parts.password, starttls=parts.scheme == "smtp+starttls")
    return alerts.outbox_deliverer()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newswatch", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the database migrations")
    sub.add_parser("demo", help="run the bundled demo end to end through Airflow")
    for name, text in (("seed", "store the topic's seed corpus"), ("run", "run the pipeline once"),
                       ("summary", "print the summary of the last run"), ("check", "validate a topic file")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--topic", type=Path, default=DEFAULT_TOPIC, help="topic YAML file")
        if name == "summary":
            p.add_argument("--run-id")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(message)s")
    try:
        return _dispatch(args)
    except TopicConfigError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    from newswatch import pipeline
    from newswatch.db import connect
    from newswatch.migrate import migrate

    if args.command == "migrate":
        print(f"schema at revision {migrate()}")
        return 0
    if args.command == "demo":
        from newswatch.demo import run_demo

        return run_demo()
    topic = load_topic(args.topic)
    if args.command == "check":
        print(f"{args.topic}: ok ({len(topic.feeds)} feeds, {len(topic.keyword_groups)} keyword groups)")
        return 0
    if args.command == "seed":
        from newswatch.seeds import load_topic_seeds

        migrate()
        with connect() as conn:
            inserted, total = load_topic_seeds(conn, topic)
        print(f"seeds: {total} in {topic.seed_path()}, {inserted} newly stored")
        return 0
    if args.command == "run":
        print(pipeline.run_once(topic, _deliverer()))
        return 0
    from newswatch.summary import run_summary

    with connect() as conn:
        print(run_summary(conn, topic, args.run_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())
