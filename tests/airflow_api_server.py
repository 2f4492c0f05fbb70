"""A real `airflow api-server` (only that component) for the view's tests: the test's Airflow
home (SQLite metadata DB, `airflow db migrate`d by the `airflow_home` fixture), the plugins
folder of this repository, the simple auth manager with two users, one JWT secret. The
newswatch plugin's FastAPI app is mounted by the server itself, as in a deployment.

    with ApiServer(workdir, env={...}) as server:
        server.token("admin")          # a JWT from POST /auth/token
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from airflow_stack import free_port, tail
from process_tree import kill_session

AIRFLOW = Path(sys.executable).parent / "airflow"
USERS = {"admin": "admin", "viewer": "viewer"}  # user → simple auth manager role


class ApiServer:
    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.passwords = {user: secrets.token_urlsafe(12) for user in USERS}
        self.log = workdir / "api-server.log"
        self.extra_env = dict(env or {})
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        passwords = self.workdir / "passwords.json"
        passwords.write_text(json.dumps(self.passwords))
        return {**os.environ, **{
            "AIRFLOW__CORE__AUTH_MANAGER":
                "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": ",".join(f"{u}:{r}" for u, r in USERS.items()),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(64),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__API__BASE_URL": self.url,
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(self.port),
        }, **self.extra_env}

    def __enter__(self) -> "ApiServer":
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [str(AIRFLOW), "api-server", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.environment(),
                start_new_session=True)
        deadline = time.monotonic() + 180
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise AssertionError(f"the API server did not come up\n{tail(self.log)}")
            time.sleep(1)
        return self

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/api/v2/monitor/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def token(self, user: str) -> str:
        answer = httpx.post(f"{self.url}/auth/token", json={"username": user, "password": self.passwords[user]},
                            timeout=30)
        answer.raise_for_status()
        return answer.json()["access_token"]

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        kill_session(self.process.pid)
        self.process = None
