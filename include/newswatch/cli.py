"""`newswatch` command: migrate, seed, run one pass of the pipeline, print a run summary or a
report of the last runs, build the validation Data Docs.

Outside Airflow the database comes from NEWSWATCH_DATABASE_URL (else the embedded Postgres)
and mail goes to NEWSWATCH_SMTP_URL (smtp://host:port, smtp+starttls://user:pass@host:587 or
smtps://user:pass@host:465), else to .eml files in the outbox.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newswatch import paths
from newswatch.config import TopicConfigError, load_topic

DEFAULT_TOPIC = paths.DEFAULT_TOPIC


def _deliverer():
    from newswatch.alerts import outbox

    smtp_url = os.environ.get("NEWSWATCH_SMTP_URL")
    if smtp_url:
        parts = urlsplit(smtp_url)
        implicit = parts.scheme == "smtps"
        return outbox.smtp_deliverer(parts.hostname or "localhost", parts.port or (465 if implicit else 25),
                                     unquote(parts.username or "") or None, unquote(parts.password or "") or None,
                                     starttls=parts.scheme == "smtp+starttls", implicit_tls=implicit)
    return outbox.outbox_deliverer()


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
    p = sub.add_parser("report", help="the last runs, the quarantine reasons and the feed health")
    p.add_argument("--topic", type=Path, default=DEFAULT_TOPIC, help="topic YAML file")
    p.add_argument("--runs", type=int, default=10, help="how many runs to list (default 10)")
    p.add_argument("--days", type=int, default=7, help="quarantine reasons of the last N days (default 7)")
    p = sub.add_parser("alerts", help="alerts not sent yet, and settling one whose sender stopped mid-send")
    p.add_argument("--topic", type=Path, default=DEFAULT_TOPIC, help="topic YAML file")
    settle = p.add_mutually_exclusive_group()
    settle.add_argument("--delivered", type=int, metavar="ID", help="an in-doubt alert did arrive: mark it sent")
    settle.add_argument("--resend", type=int, metavar="ID", help="an in-doubt alert did not arrive: send it again")
    p = sub.add_parser("docs", help="build the Great Expectations Data Docs from the stored validation results")
    p.add_argument("--topic", type=Path, default=None, help="only this topic's runs (default: all)")
    p.add_argument("--runs", type=int, default=30, help="results of the last N runs (default 30)")
    p.add_argument("--out", type=Path, default=None, help="folder (default $NEWSWATCH_HOME/data_docs)")
    p.add_argument("--open", action="store_true", help="open the index in a browser")
    p = sub.add_parser("devset", help="real-text development sets: fill the local folder, check it")
    p.add_argument("action", choices=["fill", "status"])
    p.add_argument("manifests", type=Path, nargs="+", help="sources.yaml of each set")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(message)s")
    try:
        return _dispatch(args)
    except TopicConfigError as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    from newswatch.store.db import connect
    from newswatch.store.migrate import migrate

    if args.command == "migrate":
        print(f"schema at revision {migrate()}")
        return 0
    if args.command == "demo":
        from newswatch.demo import run_demo

        return run_demo()
    if args.command == "docs":
        return _docs(args)
    if args.command == "devset":
        return _devset(args)
    topic = load_topic(args.topic)
    if args.command in ("check", "run"):
        # `check` refuses exactly what `run` would: the topic file (above), then the seed corpus
        from newswatch.seeds import corpus_problems

        problems = corpus_problems(topic.seed_path())
        if problems:
            for problem in problems:
                print(f"newswatch: {args.topic}: {problem}", file=sys.stderr)
            return 2
    if args.command == "check":
        print(f"{args.topic}: ok ({len(topic.feeds)} feeds, {len(topic.keyword_groups)} keyword groups, "
              f"seed corpus {topic.seed_path()})")
        return 0
    if args.command == "seed":
        from newswatch.seeds import load_topic_seeds

        migrate()
        with connect() as conn:
            inserted, total = load_topic_seeds(conn, topic)
        print(f"seeds: {total} in {topic.seed_path()}, {inserted} newly stored")
        return 0
    if args.command == "run":
        return _run(args, topic)
    if args.command == "alerts":
        return _alerts(args, topic)
    if args.command == "report":
        from newswatch.report.last_runs import report

        migrate()
        with connect() as conn:
            print(report(conn, topic.name, runs=args.runs, days=args.days), end="")
        return 0
    from newswatch.report.summary import run_summary

    with connect() as conn:
        print(run_summary(conn, topic, args.run_id))
    return 0


def _run(args: argparse.Namespace, topic) -> int:
    """One pass; every way it can end is a line on stderr and an exit code, never a traceback
    (with -v the traceback is logged too). The run's row is closed as failed by run_once."""
    import psycopg

    from newswatch import pipeline
    from newswatch.quality.checks import BatchRejectedError, StoredDataError

    run_id = pipeline.new_run_id()
    try:
        print(pipeline.run_once(topic, _deliverer(), run_id=run_id))
    except (BatchRejectedError, StoredDataError, pipeline.AllFeedsFailedError) as exc:
        print(f"newswatch: run {run_id} failed: {exc}\n(`newswatch report` shows the runs)", file=sys.stderr)
        return 1
    except TopicConfigError:
        raise  # exit 2 with the message, like `check`
    except psycopg.OperationalError as exc:
        logging.getLogger("newswatch").debug("run %s", run_id, exc_info=True)
        print(f"newswatch: run {run_id} failed: the database is unavailable: {_first_line(exc)}\n"
              "Nothing is lost: the next run loads what this one did not.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"newswatch: run {run_id} interrupted; recorded as failed", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a message, not a traceback; the run is recorded failed
        logging.getLogger("newswatch").debug("run %s", run_id, exc_info=True)
        print(f"newswatch: run {run_id} failed: {type(exc).__name__}: {_first_line(exc)}\n"
              "(`newswatch report` shows the runs; -v logs the traceback)", file=sys.stderr)
        return 1
    return 0


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else repr(exc)


def _alerts(args: argparse.Namespace, topic) -> int:
    from newswatch.alerts import outbox
    from newswatch.store.db import connect
    from newswatch.store.migrate import migrate

    migrate()
    with connect() as conn:
        alert_id = args.delivered or args.resend
        if alert_id:
            if not outbox.release_in_doubt(conn, alert_id, delivered=bool(args.delivered)):
                print(f"newswatch: alert {alert_id} is not in doubt (only an alert whose sender stopped "
                      "mid-send can be settled)", file=sys.stderr)
                return 1
            print(f"alert {alert_id}: " + ("marked sent" if args.delivered else "back in the queue; the next run sends it"))
            return 0
        waiting = outbox.unsent(conn, topic.name)
    if not waiting:
        print("every alert is sent")
    for a in waiting:
        state = ("IN DOUBT since " + f"{a['sending_since']:%Y-%m-%d %H:%M} UTC: the sender stopped mid-send. Check the "
                 f"mailbox, then `newswatch alerts --delivered {a['id']}` or `--resend {a['id']}`"
                 if a["status"] == "sending" else f"pending, {a['attempts']} attempts; last error: {a['last_error'] or '-'}")
        print(f"#{a['id']} {a['kind']} {a['created_at']:%Y-%m-%d %H:%M} UTC · {a['subject']}\n"
              f"    Message-ID: {a['message_id']}\n    {state}")
    return 0


def _devset(args: argparse.Namespace) -> int:
    from newswatch import devsets

    missing = 0
    for path in args.manifests:
        manifest = devsets.read_manifest(path)
        if args.action == "fill":
            outcome = devsets.fill(manifest)
        else:
            present = devsets.load(manifest)
            outcome = {s.id: "present" if s.id in present else "missing" for s in manifest.sources}
        bad = {k: v for k, v in outcome.items() if v not in ("ok", "present")}
        missing += len(bad)
        print(f"{manifest.name}: {len(outcome) - len(bad)} of {len(outcome)} texts in {manifest.local_dir}")
        for source_id, why in bad.items():
            print(f"  {source_id}: {why}")
    return 1 if missing else 0


def _docs(args: argparse.Namespace) -> int:
    import webbrowser

    from newswatch.quality.data_docs import build_data_docs
    from newswatch.store.db import connect
    from newswatch.store.migrate import migrate

    migrate()
    topic = load_topic(args.topic).name if args.topic else None
    with connect() as conn:
        try:
            index = build_data_docs(conn, args.out, topic=topic, runs=args.runs)
        except ValueError as exc:  # e.g. --out names a folder newswatch did not make: never deleted
            print(f"newswatch: {exc}", file=sys.stderr)
            return 2
    print(f"Data Docs: {index}")
    if args.open and not webbrowser.open(index.as_uri()):
        print("(no browser here: open the file above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
