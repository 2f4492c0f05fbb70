"""Airflow on CeleryExecutor, for real, on loopback: the components a deployment runs, each a
subprocess of the test, sharing one environment.

- metadata DB: a fresh database on the test Postgres server, `airflow db migrate`d (Celery's
  result backend is the same database, as Airflow recommends);
- broker: the machine's Redis on 127.0.0.1:6379, one database number claimed for this stack
  (`newswatch:test-stack` lock key), flushed and released at the end;
- `airflow api-server` (REST API and the Execution API tasks report to; one JWT secret for all),
  `airflow dag-processor`, `airflow scheduler` and `airflow celery worker`.

The DAG id and the DAGs' environment (topics folder, connections) are parameters, so one harness
serves any of the topic DAGs (`newswatch__<topic>`). Component logs go to `workdir/logs/`,
task logs to `workdir/home/logs/`; `report()` gives their tails (the `celery_airflow` fixture adds
it to a failed test's report), `task_report()` the task instances and the errors of failed ones.
Scheduled runs are off (`use_job_schedule = False`): only the runs a test triggers happen.

    stack = CeleryStack(admin_url, workdir, env={...}).start()
    run = stack.run_dag("newswatch__russia_north_korea")   # trigger through the REST API, wait for the end
    stack.task_instances(run["dag_id"], run["dag_run_id"])
    strays = stack.stop()                 # [] when every process went down on SIGTERM
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from process_tree import kill_marked, kill_session
from redis_claim import REDIS_URL, RedisDatabase, redis_available

TESTS = Path(__file__).resolve().parent
AIRFLOW = Path(sys.executable).parent / "airflow"
STACK_MARKER = "NEWSWATCH_STACK_ID"  # in every component's environment: how strays are found
ADMIN_USER = "admin"
TERMINAL_STATES = {"success", "failed"}


class StackError(AssertionError):
    """The stack did not come up, a component died, or a run did not finish (it names the logs)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Component:
    name: str
    argv: list[str]
    log: Path
    process: subprocess.Popen | None = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def tail(path: Path, lines: int = 60, skip: str | None = None) -> str:
    if not path.is_file():
        return f"({path} does not exist)"
    text = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
            if not (skip and skip in line)]
    return "\n".join(text[-lines:])


def _log_errors(path: Path) -> list[str]:
    """The error events of a task log (Airflow 3 writes one JSON object a line)."""
    errors = []
    if not path.is_file():
        return errors
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("level") in ("error", "critical"):
            detail = "; ".join(f"{e.get('exc_type')}: {e.get('exc_value')}" for e in event.get("error_detail") or [])
            errors.append(f"  {event.get('event')}{' - ' + detail if detail else ''}")
    return errors


class CeleryStack:
    def __init__(self, admin_url: str, workdir: Path, env: dict[str, str] | None = None,
                 pools: dict[str, int] | None = None, worker_concurrency: int = 2) -> None:
        """admin_url: a Postgres server URL (any database) where a fresh metadata database is
        made; env: what the DAG files and tasks read (topic, AIRFLOW_CONN_*), on top of ours;
        pools: Airflow pools the DAGs use, created before the components start."""
        from newswatch.store.db import with_database

        self.token = uuid.uuid4().hex[:10]
        self.workdir = workdir
        self.home = workdir / "home"
        self.logs = workdir / "logs"
        self.admin_url = admin_url
        self.db_name = f"nw_airflow_{self.token}"
        self.db_url = with_database(admin_url, self.db_name)  # plain libpq URL, for psycopg
        self.extra_env = dict(env or {})
        self.pools = dict(pools or {})
        self.worker_concurrency = worker_concurrency
        self.worker_hostname = f"celery-worker-{self.token}"
        self.port = free_port()
        self.api_url = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(12)
        self.jwt_secret = secrets.token_urlsafe(64)  # HS512 wants 64 bytes or more
        self.api_secret = secrets.token_urlsafe(32)
        self.components: list[Component] = []
        self.redis: RedisDatabase | None = None
        self._db_created = False
        self._http = None
        self._stopped = False
        self.timings: dict[str, float] = {}  # seconds per phase: migrate, start, parse, run, stop

    # --- environment ---------------------------------------------------------------------

    def _sqlalchemy_url(self, prefix: str) -> str:
        parts = urlsplit(self.db_url)
        return f"{prefix}://" + self.db_url[len(parts.scheme) + 3:]

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW__DATABASE__", "AIRFLOW__CELERY__"))}
        env.pop("AIRFLOW_CONFIG", None)
        env.update({
            STACK_MARKER: self.token,
            "PATH": f"{AIRFLOW.parent}{os.pathsep}{env.get('PATH', '')}",
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self._sqlalchemy_url("postgresql+psycopg2"),
            "AIRFLOW__CELERY__BROKER_URL": self.redis.url if self.redis else "",
            "AIRFLOW__CELERY__RESULT_BACKEND": self._sqlalchemy_url("db+postgresql+psycopg2"),
            "AIRFLOW__CELERY__WORKER_CONCURRENCY": str(self.worker_concurrency),
            # The result backend also records which worker ran each Celery task (celery_taskmeta.worker).
            "AIRFLOW__CELERY__EXTRA_CELERY_CONFIG": json.dumps({"result_extended": True}),
            # Tasks on the worker report to the Execution API; every component signs and checks
            # the same JWTs.
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api_url}/execution/",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API__BASE_URL": self.api_url,
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
            "AIRFLOW__API__SECRET_KEY": self.api_secret,
            "AIRFLOW__CORE__AUTH_MANAGER":
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{ADMIN_USER}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(self.home / "passwords.json"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # no cron runs: only what a test triggers
            "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",  # 2 cores for everything
            "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(self.home / "logs"),
        })
        env.update(self.extra_env)
        return env

    # --- start ---------------------------------------------------------------------------

    def start(self, timeout_s: float = 300) -> "CeleryStack":
        from newswatch.store.db import create_database

        started = time.monotonic()
        self.home.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        (self.home / "passwords.json").write_text(json.dumps({ADMIN_USER: self.password}))
        if not redis_available():
            raise StackError(f"Redis is not answering on {REDIS_URL}: start it (CI's .ci/run does)")
        self.redis = RedisDatabase(self.token)
        create_database(self.admin_url, self.db_name)
        self._db_created = True
        self._run_once("db-migrate", ["db", "migrate"], timeout_s)
        self.timings["migrate"] = time.monotonic() - started
        for name, slots in self.pools.items():
            self._run_once(f"pool-{name}", ["pools", "set", name, str(slots), "test stack"], timeout_s)
        deadline = time.monotonic() + timeout_s
        self._spawn("api-server", ["api-server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"])
        self._spawn("dag-processor", ["dag-processor"])
        self._spawn("scheduler", ["scheduler", "--skip-serve-logs"])
        self._spawn("celery-worker", ["celery", "worker", "--celery-hostname", f"{self.worker_hostname}@%h",
                                      "--concurrency", str(self.worker_concurrency), "--skip-serve-logs",
                                      "--without-mingle", "--without-gossip"],
                    {"PYTHONPATH": str(self._worker_path()), "NEWSWATCH_WORKER_HOSTNAME": self.worker_hostname,
                     "AIRFLOW__CORE__HOSTNAME_CALLABLE": "airflow_worker_hostname.hostname"})
        self._wait(lambda: self._api_healthy(), deadline, "the API server to answer /api/v2/monitor/health")
        self._wait(lambda: " ready." in self.component("celery-worker").log.read_text(errors="replace"),
                   deadline, "the Celery worker to be ready")
        self.timings["start"] = time.monotonic() - started
        return self

    def _worker_path(self) -> Path:
        """A folder holding only the hostname callable, for the worker's PYTHONPATH (all of
        tests/ there could shadow a package the tasks import)."""
        folder = self.workdir / "worker-pythonpath"
        folder.mkdir(exist_ok=True)
        shutil.copy(TESTS / "airflow_worker_hostname.py", folder)
        return folder

    def _run_once(self, name: str, args: list[str], timeout_s: float) -> None:
        log = self.logs / f"{name}.log"
        with log.open("w") as out:
            try:
                done = subprocess.run([str(AIRFLOW), *args], stdout=out, stderr=subprocess.STDOUT,
                                      env=self.environment(), timeout=timeout_s, check=False)
            except subprocess.TimeoutExpired:
                raise StackError(f"`airflow {' '.join(args)}` took over {timeout_s}s\n{tail(log)}") from None
        if done.returncode != 0:
            raise StackError(f"`airflow {' '.join(args)}` failed (exit {done.returncode})\n{tail(log)}")

    def _spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        component = Component(name, [str(AIRFLOW), *args], self.logs / f"{name}.log")
        with component.log.open("w") as out:
            # A session of its own: stop() signals the component's whole process tree.
            component.process = subprocess.Popen(component.argv, stdout=out, stderr=subprocess.STDOUT,
                                                  stdin=subprocess.DEVNULL, env={**self.environment(), **(env or {})},
                                                  start_new_session=True)
        self.components.append(component)

    def component(self, name: str) -> Component:
        return next(c for c in self.components if c.name == name)

    def _check_alive(self) -> None:
        dead = [c for c in self.components if not c.alive()]
        if dead:
            names = ", ".join(f"{c.name} (exit {c.process.returncode})" for c in dead)
            raise StackError(f"{names} stopped (logs in {self.logs})")

    def _wait(self, ready, deadline: float, what: str, every_s: float = 1.0):
        while True:
            self._check_alive()
            value = ready()
            if value:
                return value
            if time.monotonic() > deadline:
                raise StackError(f"timed out waiting for {what} (logs in {self.logs})")
            time.sleep(every_s)

    # --- REST API ------------------------------------------------------------------------

    def _api_healthy(self) -> bool:
        import httpx

        try:
            return httpx.get(f"{self.api_url}/api/v2/monitor/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def api(self, method: str, path: str, **kwargs):
        """A REST API call as the stack's admin (a JWT from the simple auth manager)."""
        import httpx

        if self._http is None:
            token = httpx.post(f"{self.api_url}/auth/token", json={"username": ADMIN_USER, "password": self.password},
                               timeout=30)
            token.raise_for_status()
            self._http = httpx.Client(base_url=self.api_url, timeout=30,
                                      headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        return self._http.request(method, path, **kwargs)

    def wait_for_dag(self, dag_id: str, timeout_s: float = 180) -> dict:
        """Until the DAG processor has stored the DAG; an import error fails at once, with it."""
        def parsed():
            errors = self.api("GET", "/api/v2/importErrors").json().get("import_errors", [])
            if errors:
                raise StackError("import errors:\n" + "\n".join(f"{e['filename']}: {e['stack_trace']}" for e in errors))
            answer = self.api("GET", f"/api/v2/dags/{dag_id}")
            return answer.json() if answer.status_code == 200 else None

        return self._wait(parsed, time.monotonic() + timeout_s, f"the DAG {dag_id} to be parsed", every_s=2)

    def trigger(self, dag_id: str, conf: dict | None = None) -> str:
        started = time.monotonic()
        self.wait_for_dag(dag_id)
        self.timings["parse"] = time.monotonic() - started
        answer = self.api("POST", f"/api/v2/dags/{dag_id}/dagRuns", json={"logical_date": None, "conf": conf or {}})
        if answer.status_code != 200:
            raise StackError(f"triggering {dag_id}: HTTP {answer.status_code} {answer.text}")
        return answer.json()["dag_run_id"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout_s: float = 900) -> dict:
        def finished():
            run = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}").json()
            return run if run.get("state") in TERMINAL_STATES else None

        try:
            return self._wait(finished, time.monotonic() + timeout_s, f"run {run_id} of {dag_id}", every_s=2)
        except StackError as exc:
            raise StackError(f"{exc}\n{self.task_report(dag_id, run_id)}") from None

    def run_dag(self, dag_id: str, conf: dict | None = None, timeout_s: float = 900) -> dict:
        """Trigger a run and wait for it to end; returns the DAG run as the REST API gives it."""
        run_id = self.trigger(dag_id, conf)
        started = time.monotonic()
        run = self.wait_for_run(dag_id, run_id, timeout_s)
        self.timings["run"] = time.monotonic() - started
        return run

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        answer = self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances", params={"limit": 1000})
        answer.raise_for_status()
        return answer.json()["task_instances"]

    def metadata_rows(self, query: str, *args) -> list[dict]:
        """Rows of Airflow's metadata database (e.g. task_instance.external_executor_id, or
        celery_taskmeta, the Celery result backend's table)."""
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(self.db_url) as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(query, args)
            return cur.fetchall()

    def celery_results(self, celery_task_ids: list[str], timeout_s: float = 60) -> dict[str, dict]:
        """The Celery result backend's rows (status, worker) for these Celery task ids, once all
        are final: the worker writes a result just after Airflow has seen the task end."""
        def final():
            rows = self.metadata_rows("SELECT task_id, status, worker FROM celery_taskmeta WHERE task_id = ANY(%s)",
                                      list(celery_task_ids))
            done = {r["task_id"]: r for r in rows if r["status"] in ("SUCCESS", "FAILURE", "REVOKED")}
            return done if len(done) == len(set(celery_task_ids)) else None

        return self._wait(final, time.monotonic() + timeout_s, "the Celery results of the run's tasks")

    # --- logs ----------------------------------------------------------------------------

    def task_log(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1, attempt: int = 1) -> Path:
        """Where Airflow's default log_filename_template puts a task's log."""
        path = self.home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
        if map_index >= 0:
            path /= f"map_index={map_index}"
        return path / f"attempt={attempt}.log"

    def task_report(self, dag_id: str, run_id: str) -> str:
        """Each task instance's state and host; for the failed ones, the errors of their last try."""
        try:
            tis = self.task_instances(dag_id, run_id)
        except Exception as exc:  # the report must not hide the failure it explains
            return f"task instances unavailable: {exc}"
        lines = ["task instances:"]
        for ti in sorted(tis, key=lambda t: (t["start_date"] or "~", t["task_id"], t["map_index"])):
            lines.append(f"  {ti['task_id']}[{ti['map_index']}] {ti['state']} (try {ti['try_number']}) on {ti['hostname']}")
        for ti in tis:
            if ti["state"] in ("failed", "up_for_retry"):
                log = self.task_log(dag_id, run_id, ti["task_id"], ti["map_index"], ti["try_number"])
                lines.append(f"--- {ti['task_id']}[{ti['map_index']}] errors ({log})")
                lines += _log_errors(log) or [tail(log, 15)]
        return "\n".join(lines)

    def report(self) -> str:
        """The tail of every component's log (the API server's access lines left out)."""
        parts = [f"Airflow stack {self.token} in {self.workdir} (API {self.api_url}, "
                 f"Redis {self.redis.url if self.redis else None}, metadata DB {self.db_name})"]
        for log in sorted(self.logs.glob("*.log")):
            parts.append(f"--- {log.name} ({log})\n{tail(log, skip='[http.access]')}")
        return "\n".join(parts)

    # --- stop ----------------------------------------------------------------------------

    def stop(self, grace_s: float = 30) -> list[str]:
        """SIGTERM each component (worker first, so no task is taken while the rest stops),
        SIGKILL what is left after `grace_s`; then every process still carrying this stack's
        marker is a stray: killed, and returned as 'pid cmdline'. Idempotent."""
        if self._stopped:
            return []
        self._stopped = True
        started = time.monotonic()
        if self._http is not None:
            self._http.close()
        for component in reversed(self.components):  # worker, scheduler, dag-processor, api-server
            if component.alive():
                component.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for component in self.components:
            try:
                component.process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        strays = []
        for component in self.components:  # what a component left in its session
            strays += kill_session(component.process.pid)
            if component.alive():
                component.process.kill()
                component.process.wait(10)
        strays += kill_marked(STACK_MARKER, self.token)
        if self.redis is not None:
            self.redis.release()
        if self._db_created:
            from newswatch.store.db import drop_database

            drop_database(self.admin_url, self.db_name)
        self.timings["stop"] = time.monotonic() - started
        return sorted(set(strays))
