"""Issue 11, item 8: what an operator runs works as documented: `make stop` after a killed run,
the demo's port, the README's SMTP examples (STARTTLS 587 and implicit TLS 465, with Airflow's
SmtpHook), Message-IDs in `newswatch alerts`, dated digest subjects, `make airflow` on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

import psutil
import psycopg
import pytest
from conftest import DEMO_TOPIC, ROOT, SmtpSink
from newswatch import pipeline
from newswatch.store.embedded_pg import postmaster_pid
from tlsutil import make_ca

NEWSWATCH = str(Path(sys.executable).parent / "newswatch")
PYTHON = sys.executable


# --- make stop ------------------------------------------------------------------------------

def alive(pid: int) -> bool:
    """Running (a stopped postmaster left as a zombie under a container's init does not count)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_make_stop_stops_the_embedded_server_after_a_killed_run(tmp_path):
    pgdata = tmp_path / "home" / "pgdata"
    pgdata.parent.mkdir()
    holder = subprocess.Popen(
        [PYTHON, "-c", "import sys, time, pgserver\n"
                       "server = pgserver.get_server(sys.argv[1], cleanup_mode='stop')\n"
                       "print(server.get_pid(), flush=True)\ntime.sleep(600)", str(pgdata)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    postmaster = int(holder.stdout.readline())
    holder.send_signal(signal.SIGKILL)  # a run killed with -9: pgserver's handle list keeps its pid
    holder.wait()
    try:
        assert alive(postmaster) and postmaster_pid(pgdata) == postmaster
        assert str(holder.pid) in (pgdata / ".handle_pids.json").read_text()
        # `make clean` would delete under a live server: it refuses instead
        refused = subprocess.run([PYTHON, "-m", "newswatch.store.embedded_pg", "assert-stopped", str(pgdata)],
                                 capture_output=True, text=True)
        assert refused.returncode == 1 and "still runs" in refused.stderr
        done = subprocess.run(["make", "-C", str(ROOT), "stop", f"NEWSWATCH_HOME={pgdata.parent}"],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert f"stopped the Postgres server on {pgdata} (pid {postmaster})" in done.stdout
        assert postmaster_pid(pgdata) is None and not alive(postmaster)
        again = subprocess.run(["make", "-C", str(ROOT), "stop", f"NEWSWATCH_HOME={pgdata.parent}"],
                               capture_output=True, text=True, timeout=60)
        assert again.returncode == 0 and "no Postgres server runs" in again.stdout
    finally:
        if alive(postmaster):
            os.kill(postmaster, signal.SIGQUIT)


# --- the demo's port ---------------------------------------------------------------------------

@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


def test_the_demo_takes_a_free_port_when_its_port_is_busy_and_remembers_it(busy_port, tmp_path, monkeypatch):
    from newswatch.demo import demo_port

    monkeypatch.setenv("NEWSWATCH_HOME", str(tmp_path))
    monkeypatch.delenv("NEWSWATCH_DEMO_PORT", raising=False)
    (tmp_path / "demo-port").write_text(f"{busy_port}\n")
    port, note = demo_port()
    assert port != busy_port and f"port {busy_port} is in use" in note and "NEWSWATCH_DEMO_PORT" in note
    assert demo_port() == (port, None)  # the next demo keeps it: same URLs, nothing new


def test_a_busy_demo_port_asked_for_is_a_clear_error(busy_port, tmp_path):
    env = {**os.environ, "NEWSWATCH_HOME": str(tmp_path), "NEWSWATCH_DEMO_PORT": str(busy_port)}
    done = subprocess.run([NEWSWATCH, "demo"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"port {busy_port} (NEWSWATCH_DEMO_PORT) is in use; set NEWSWATCH_DEMO_PORT" in done.stderr


def test_the_readme_documents_the_demo_port_variable():
    assert "NEWSWATCH_DEMO_PORT" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- SMTP: the README's examples against loopback servers -------------------------------------

def readme_smtp_examples() -> dict[int, dict]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = [json.loads(m) for m in re.findall(r"export AIRFLOW_CONN_SMTP_DEFAULT='(\{.*\})'", text)]
    return {conn["port"]: conn for conn in found}


class Auth:
    def __init__(self) -> None:
        self.logins: list[str] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"newswatch", b"secret")
        if ok:
            self.logins.append(mechanism)
        return AuthResult(success=ok)


@pytest.fixture
def tls_smtp(tmp_path, monkeypatch):
    """Loopback SMTP servers: STARTTLS required (as on 587) and implicit TLS (as on 465), both
    asking for a login, their certificate trusted through SSL_CERT_FILE as a real CA would be."""
    from aiosmtpd.controller import Controller

    ca = make_ca(tmp_path / "ca", ["localhost", "127.0.0.1"])
    monkeypatch.setenv("SSL_CERT_FILE", str(ca.ca_file))
    servers = {}
    for kind in ("starttls", "implicit"):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        sink, auth = SmtpSink(), Auth()
        if kind == "starttls":
            controller = Controller(sink, hostname="127.0.0.1", port=port, tls_context=ca.server_context(),
                                    require_starttls=True, authenticator=auth, auth_require_tls=True)
        else:
            controller = Controller(sink, hostname="127.0.0.1", port=port, ssl_context=ca.server_context(),
                                    authenticator=auth, auth_require_tls=False)
        controller.start()
        servers[kind] = (port, sink, auth, controller)
    yield servers
    for _, _, _, controller in servers.values():
        controller.stop()


def message(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = subject, "newswatch@example.org", "analysts@example.org"
    msg["Message-ID"] = f"<{subject.replace(' ', '-')}@newswatch>"
    msg.set_content("body")
    return msg


@pytest.mark.parametrize("readme_port, kind", [(587, "starttls"), (465, "implicit")])
def test_the_readme_smtp_examples_work_with_airflows_smtp_hook(tls_smtp, airflow_home, monkeypatch,
                                                               readme_port, kind):
    from newswatch_airflow.settings import deliverer

    conn = readme_smtp_examples()[readme_port]
    port, sink, auth, _ = tls_smtp[kind]
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({**conn, "host": "127.0.0.1", "port": port}))
    where = deliverer()(message(f"readme {readme_port}"), ["analysts@example.org"])
    assert where == f"smtp:smtp_default:127.0.0.1:{port}"
    assert [m["Subject"] for _, m in sink.messages] == [f"readme {readme_port}"] and auth.logins


def test_the_readme_587_example_without_disable_ssl_is_what_failed(tls_smtp, airflow_home, monkeypatch):
    """The issue's WRONG_VERSION_NUMBER: the hook speaks TLS first to a STARTTLS port."""
    from newswatch_airflow.settings import deliverer

    port, sink, _, _ = tls_smtp["starttls"]
    old = {"conn_type": "smtp", "host": "127.0.0.1", "port": port, "login": "newswatch", "password": "secret",
           "extra": {"retry_limit": 0, "timeout": 5}}
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps(old))
    with pytest.raises(Exception, match="(?i)wrong.version.number|unable to connect"):
        deliverer()(message("old example"), ["analysts@example.org"])
    assert sink.messages == []


@pytest.mark.parametrize("scheme, kind", [("smtp+starttls", "starttls"), ("smtps", "implicit")])
def test_the_cli_smtp_urls_for_587_and_465(tls_smtp, monkeypatch, scheme, kind):
    from newswatch.cli import _deliverer

    port, sink, auth, _ = tls_smtp[kind]
    monkeypatch.setenv("NEWSWATCH_SMTP_URL", f"{scheme}://newswatch:secret@127.0.0.1:{port}")
    assert _deliverer()(message(scheme), ["analysts@example.org"]) == f"smtp:127.0.0.1:{port}"
    assert [m["Subject"] for _, m in sink.messages] == [scheme] and auth.logins


# --- alerts: Message-IDs and dated subjects -------------------------------------------------------

def test_alerts_lists_message_ids_and_digest_subjects_carry_the_date(db_url, demo_server, demo_topic):
    def down(msg, recipients):
        raise ConnectionRefusedError("smtp down")

    pipeline.run_once(demo_topic, down, "r1", db_url)
    with psycopg.connect(db_url) as conn:
        [(subject, message_id, started)] = conn.execute(
            "SELECT a.subject, a.message_id, r.started_at FROM alerts a JOIN runs r ON r.id = a.run_id").fetchall()
    assert subject.startswith(f"[newswatch] {started.astimezone(timezone.utc):%Y-%m-%d} {demo_topic.title}: ")
    env = {**os.environ, "NEWSWATCH_DATABASE_URL": db_url, "NEWSWATCH_DEMO_BASE_URL": demo_server.base_url}
    done = subprocess.run([NEWSWATCH, "alerts", "--topic", str(DEMO_TOPIC)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0 and f"Message-ID: {message_id}" in done.stdout, done.stdout + done.stderr


def test_two_nights_digests_have_different_subjects():
    from newswatch.alerts.digest import Digest

    nights = [Digest(day=datetime(2026, 11, d, tzinfo=timezone.utc).date()).subject("T") for d in (23, 24)]
    assert nights[0] != nights[1] and nights[0].startswith("[newswatch] 2026-11-23 T: ")


# --- make airflow ----------------------------------------------------------------------------

def test_make_airflow_serves_the_api_on_loopback_unless_told_otherwise(tmp_path, db_url):
    """`make airflow` (newswatch.demo_airflow: the sample site, then `airflow standalone`) with a
    stand-in `airflow` first on the PATH that reports what it was started with; the real Airflow
    reads the same setting as its API server's host."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "airflow"
    fake.write_text("#!/bin/sh\necho \"args=$* host=$AIRFLOW__API__HOST\"\n")
    fake.chmod(0o755)
    python = bin_dir / "python"  # the venv's interpreter, under the BIN the Makefile is given
    python.write_text(f"#!/bin/sh\nexec {sys.executable} \"$@\"\n")
    python.chmod(0o755)
    home = tmp_path / "airflow"
    home.mkdir()
    (home / "airflow.db").touch()
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "NEWSWATCH_DEMO_TRIGGER": "0",
           "NEWSWATCH_DATABASE_URL": db_url}
    # -o: take the venv and Airflow's database as made (this test is about the command line only)
    base = ["make", "-C", str(ROOT), "-o", ".venv/.installed", "-o", f"{home}/airflow.db", "airflow",
            f"BIN={bin_dir}", f"AIRFLOW_HOME={home}"]
    default = subprocess.run(base, capture_output=True, text=True, timeout=120, env=env)
    assert "args=standalone host=127.0.0.1" in default.stdout, default.stdout + default.stderr
    assert "sample site at http://127.0.0.1:" in default.stdout  # the demo topic's site, served offline
    chosen = subprocess.run([*base, "NEWSWATCH_AIRFLOW_HOST=0.0.0.0"], capture_output=True, text=True, timeout=120,
                            env=env)
    assert "host=0.0.0.0" in chosen.stdout
    real = subprocess.run([str(Path(sys.executable).parent / "airflow"), "config", "get-value", "api", "host"],
                          capture_output=True, text=True, env={**os.environ, "AIRFLOW__API__HOST": "127.0.0.1"},
                          timeout=120)
    assert real.stdout.strip() == "127.0.0.1"


def test_postmaster_pid_ignores_a_stale_pid_file(tmp_path):
    pgdata = tmp_path / "pgdata"
    pgdata.mkdir()
    dead = subprocess.Popen([PYTHON, "-c", "pass"])
    dead.wait()
    (pgdata / "postmaster.pid").write_text(f"{dead.pid}\n{pgdata}\n")
    time.sleep(0.1)
    assert postmaster_pid(pgdata) is None
