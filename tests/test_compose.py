"""docker-compose.yml (and docker-compose.celery.yml layered on it), read as `docker compose`
would, checked against the rest of the repo.

No Docker here: these tests parse the files and check the things that break a first
`docker compose up` (a missing mount, a connection id renamed in one place only, a database
created with the wrong encoding, an image that does not match the pinned Airflow).
Compose variables are resolved to their shipped defaults (`${VAR:-default}`), ignoring the
caller's environment, so the tests check what a fresh clone runs.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT
from packaging.specifiers import SpecifierSet

COMPOSE_FILE = ROOT / "docker-compose.yml"
CELERY_FILE = ROOT / "docker-compose.celery.yml"  # the CeleryExecutor layout, layered on COMPOSE_FILE
DOCKERFILE = ROOT / "Dockerfile"
REQUIREMENTS = ROOT / "requirements.txt"
PYPROJECT = ROOT / "pyproject.toml"
CONN_IDS_FILE = ROOT / "plugins" / "newswatch_airflow" / "conn_ids.py"

REQUIRED_SERVICES = {
    "postgres",
    "mailpit",
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "redis",
    "airflow-worker",
    "flower",
}
# Every service running the project's Airflow image (Flower is `airflow celery flower`).
AIRFLOW_SERVICES = sorted(s for s in REQUIRED_SERVICES if s.startswith("airflow-") or s == "flower")
CELERY_SERVICES = {"redis", "airflow-worker", "flower"}  # behind profiles: off with the LocalExecutor
# Mounted host folders that the stack creates at run time and git does not hold.
RUNTIME_DIRS = {"logs", "config", "outbox"}
# Code folders every Airflow container needs, under the official image's AIRFLOW_HOME.
CODE_MOUNTS = {"dags": "/opt/airflow/dags", "plugins": "/opt/airflow/plugins", "include": "/opt/airflow/include"}
POSTGRES_INIT_DIR = "/docker-entrypoint-initdb.d"
MAILPIT_DEFAULT_SMTP_PORT = 1025  # Mailpit's own default, unless MP_SMTP_BIND_ADDR says otherwise

_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def interpolate(value: object) -> object:
    """Compose interpolation with every variable unset: `${X:-d}` → d, `${X}` → '', `$$` → `$`."""
    if isinstance(value, dict):
        return {key: interpolate(item) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item) for item in value]
    if not isinstance(value, str):
        return value

    def resolve(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        operator, default = match.group(2), match.group(3)
        if operator in (":?", "?"):
            pytest.fail(f"docker-compose.yml requires {match.group(1)} to be set: {match.group(0)}")
        return default if operator in (":-", "-") else ""

    return _VARIABLE.sub(resolve, value)


def merge(base: object, override: object) -> object:
    """Compose's merge of a later file into an earlier one, for mappings: key by key, the later
    value winning (docker-compose.celery.yml holds mappings only; a test checks it)."""
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{key: merge(base.get(key), value) for key, value in override.items()}}
    return override


@pytest.fixture(scope="module")
def compose() -> dict:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict), "no services: mapping"
    return interpolate(data)


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def celery_override() -> dict:
    assert CELERY_FILE.is_file(), f"{CELERY_FILE} is missing"
    data = yaml.safe_load(CELERY_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("services"), dict), "no services: mapping"
    return data


@pytest.fixture(scope="module")
def celery_services(compose: dict, celery_override: dict) -> dict:
    """`docker compose -f docker-compose.yml -f docker-compose.celery.yml config`'s services."""
    return merge(compose, interpolate(celery_override))["services"]


def profiles(service: dict) -> set[str]:
    return set(service.get("profiles") or [])


def depends(service: dict) -> dict[str, str]:
    """A service's dependencies → their condition, from either depends_on form."""
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def environment(service: dict) -> dict[str, str]:
    """A service's environment as a dict, from either the mapping or the list form."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def bind_mounts(service: dict) -> list[tuple[str, str]]:
    """(host path, container path) of each bind mount, short or long syntax; named volumes left out."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            if volume.get("type") == "bind":
                mounts.append((volume["source"], volume["target"]))
            continue
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/", "~")):
            mounts.append((source, target))
    return mounts


def container_ports(service: dict) -> set[int]:
    """Container-side ports a service publishes or exposes."""
    ports = set()
    for entry in [*(service.get("ports") or []), *(service.get("expose") or [])]:
        if isinstance(entry, dict):
            ports.add(int(entry["target"]))
        else:
            ports.add(int(str(entry).split("/")[0].rsplit(":", 1)[-1]))
    return ports


def load_conn_ids():
    """plugins/newswatch_airflow/conn_ids.py, imported the way Airflow would: plugins/ on sys.path."""
    plugins = str(ROOT / "plugins")
    added = plugins not in sys.path
    if added:
        sys.path.insert(0, plugins)
    try:
        spec = importlib.util.spec_from_file_location("_compose_test_conn_ids", CONN_IDS_FILE)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        if added:
            sys.path.remove(plugins)


def conn_env_name(conn_id: str) -> str:
    return "AIRFLOW_CONN_" + conn_id.upper()


@pytest.fixture(scope="module")
def postgres_init_files(services: dict) -> list[Path]:
    mounts = [(src, dst) for src, dst in bind_mounts(services["postgres"]) if dst.rstrip("/").startswith(POSTGRES_INIT_DIR)]
    assert mounts, f"postgres mounts nothing into {POSTGRES_INIT_DIR}: the newswatch database is never created"
    files = []
    for source, target in mounts:
        host = (ROOT / source).resolve()
        assert host.exists(), f"postgres init mount {source} does not exist in the repo"
        files += sorted(host.glob("*.sql")) if host.is_dir() else [host]
    assert files, f"no .sql file in {[src for src, _ in mounts]}"
    return files


def created_databases(sql: str) -> dict[str, str]:
    """Database name → the options of its CREATE DATABASE statement (comments stripped)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return {
        match.group(1).strip('"'): " ".join(match.group(2).split())
        for match in re.finditer(r"CREATE\s+DATABASE\s+(\"?\w+\"?)([^;]*);", sql, re.IGNORECASE)
    }


def created_roles(sql: str) -> dict[str, str | None]:
    """Role name → its password ('' when none is set in the file)."""
    sql = re.sub(r"--[^\n]*", "", sql)
    roles = {}
    for match in re.finditer(r"CREATE\s+(?:ROLE|USER)\s+(\"?\w+\"?)([^;]*);", sql, re.IGNORECASE):
        password = re.search(r"PASSWORD\s+'([^']*)'", match.group(2), re.IGNORECASE)
        roles[match.group(1).strip('"')] = password.group(1) if password else ""
    return roles


# --- the tests ---------------------------------------------------------------------------------


def test_required_services_exist(services: dict) -> None:
    missing = REQUIRED_SERVICES - set(services)
    assert not missing, f"docker-compose.yml lacks services: {sorted(missing)}"


@pytest.mark.parametrize("name", AIRFLOW_SERVICES)
def test_airflow_service_mounts_the_code(services: dict, name: str) -> None:
    mounts = {target.rstrip("/"): source for source, target in bind_mounts(services[name])}
    for folder, target in CODE_MOUNTS.items():
        assert target in mounts, f"{name} does not mount ./{folder} on {target}"
        assert (ROOT / mounts[target]).resolve() == (ROOT / folder).resolve(), (
            f"{name} mounts {mounts[target]} on {target}, expected ./{folder}"
        )


def test_every_mounted_host_path_exists(services: dict) -> None:
    problems = []
    for name, service in services.items():
        for source, _target in bind_mounts(service):
            if source.startswith(("/", "~")):
                problems.append(f"{name}: {source} is outside the repo")
                continue
            path = (ROOT / source).resolve()
            if not path.is_relative_to(ROOT):
                problems.append(f"{name}: {source} is outside the repo")
            elif not path.exists() and path.relative_to(ROOT).parts[0] not in RUNTIME_DIRS:
                problems.append(f"{name}: {source} does not exist (only {sorted(RUNTIME_DIRS)} may be made at run time)")
    assert not problems, "\n".join(problems)


def test_connection_env_vars_are_named_from_conn_ids(services: dict) -> None:
    conn_ids = load_conn_ids()
    declared = {value for key, value in vars(conn_ids).items() if key.endswith("_CONN_ID") and isinstance(value, str)}
    assert {conn_ids.DB_CONN_ID, conn_ids.SMTP_CONN_ID} <= declared
    expected = {conn_env_name(conn_id) for conn_id in declared}
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        missing = {conn_env_name(conn_ids.DB_CONN_ID), conn_env_name(conn_ids.SMTP_CONN_ID)} - set(env)
        assert not missing, f"{name} does not set {sorted(missing)}"
        stale = {key for key in env if key.startswith("AIRFLOW_CONN_")} - expected
        assert not stale, f"{name} sets {sorted(stale)}, which no *_CONN_ID in conn_ids.py names"


def test_db_connection_is_the_utf8_database_on_postgres(services: dict, postgres_init_files: list[Path]) -> None:
    conn_ids = load_conn_ids()
    sql = "\n".join(path.read_text(encoding="utf-8") for path in postgres_init_files)
    databases, roles = created_databases(sql), created_roles(sql)
    postgres_port = 5432  # the postgres image's port inside the compose network
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        uri = env[conn_env_name(conn_ids.DB_CONN_ID)]
        parts = urlsplit(uri)
        assert parts.scheme in ("postgresql", "postgres"), f"{name}: {uri} is not a postgresql:// URI"
        assert parts.hostname == "postgres" and "postgres" in services, f"{name}: {uri} is not on the postgres service"
        assert (parts.port or 5432) == postgres_port, f"{name}: {uri} uses port {parts.port}"
        dbname = parts.path.lstrip("/")
        assert dbname in databases, f"{name}: database {dbname!r} is not created by {postgres_init_files}"
        options = databases[dbname].upper()
        for option in ("ENCODING 'UTF8'", "LC_COLLATE 'C.UTF-8'", "LC_CTYPE 'C.UTF-8'", "TEMPLATE TEMPLATE0"):
            assert option in options, f"CREATE DATABASE {dbname} lacks {option}: {databases[dbname]}"
        assert parts.username in roles, f"{name}: user {parts.username!r} is not created by the init SQL"
        assert (parts.password or "") == roles[parts.username], f"{name}: the password in {uri} is not the role's"
        # The newswatch CLI (airflow-init's `newswatch migrate`) must use the same database.
        assert env.get("NEWSWATCH_DATABASE_URL") == uri, f"{name}: NEWSWATCH_DATABASE_URL differs from the connection"


def test_smtp_connection_points_at_mailpit(services: dict) -> None:
    conn_ids = load_conn_ids()
    mailpit = services["mailpit"]
    bind = environment(mailpit).get("MP_SMTP_BIND_ADDR", "")
    smtp_port = int(bind.rsplit(":", 1)[-1]) if bind else MAILPIT_DEFAULT_SMTP_PORT
    assert smtp_port in container_ports(mailpit), f"mailpit neither publishes nor exposes its SMTP port {smtp_port}"
    for name in AIRFLOW_SERVICES:
        raw = environment(services[name])[conn_env_name(conn_ids.SMTP_CONN_ID)]
        if raw.lstrip().startswith("{"):
            conn = json.loads(raw)
            host, port, login = conn.get("host"), conn.get("port"), conn.get("login")
            extra = conn.get("extra") or {}
            extra = json.loads(extra) if isinstance(extra, str) else extra
            conn_type = conn.get("conn_type")
        else:
            parts = urlsplit(raw)
            host, port, login, conn_type = parts.hostname, parts.port, parts.username, parts.scheme
            extra = dict(item.split("=", 1) for item in parts.query.split("&") if item)
        assert conn_type == "smtp", f"{name}: {raw} is not an smtp connection"
        assert host == "mailpit", f"{name}: SMTP host is {host!r}, not the mailpit service"
        assert int(port) == smtp_port, f"{name}: SMTP port {port} is not mailpit's SMTP port {smtp_port}"
        assert not login, f"{name}: Mailpit needs no login, got {login!r}"
        assert extra.get("disable_tls") in (True, "true", "True"), f"{name}: Mailpit speaks no TLS; set disable_tls"


def test_dockerfile_base_image_matches_airflow_pin() -> None:
    assert REQUIREMENTS.is_file(), f"{REQUIREMENTS} is missing"
    pins = re.findall(
        r"^\s*apache-airflow(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)", REQUIREMENTS.read_text(encoding="utf-8"), re.MULTILINE
    )
    assert len(pins) == 1, f"expected one apache-airflow==X pin in requirements.txt, found {pins}"
    dockerfile = DOCKERFILE.read_text(encoding="utf-8")
    bases = re.findall(r"^\s*FROM\s+(?:--\S+\s+)*apache/airflow:(\S+)", dockerfile, re.MULTILINE | re.IGNORECASE)
    assert bases, "the Dockerfile is not FROM apache/airflow:<version>"
    version = bases[0].split("-python")[0]
    assert version == pins[0], f"Dockerfile builds on Airflow {version}, requirements.txt pins {pins[0]}"
    python = re.search(r"-python(\d+\.\d+)", bases[0])
    requires = tomllib.loads(PYPROJECT.read_text(encoding="utf-8")).get("project", {}).get("requires-python")
    if python and requires:
        assert SpecifierSet(requires).contains(python.group(1) + ".0"), (
            f"the image's Python {python.group(1)} is outside pyproject.toml's requires-python {requires}"
        )
    assert re.search(r"pip install[^\n]*-r\s+\S*requirements\.txt[^\n]*-c\s+\S*constraints\.txt", dockerfile), (
        "the Dockerfile does not install requirements.txt with -c constraints.txt"
    )


def test_compose_services_build_the_project_image(services: dict) -> None:
    for name in AIRFLOW_SERVICES:
        build = services[name].get("build")
        context = build.get("context", ".") if isinstance(build, dict) else build
        assert context is not None and (ROOT / context).resolve() == ROOT, f"{name} does not build ./Dockerfile"


def test_airflow_settings_the_stack_needs(services: dict) -> None:
    apiserver_ports = container_ports(services["airflow-apiserver"])
    assert 8080 in apiserver_ports, "airflow-apiserver does not publish 8080"
    assert services["airflow-apiserver"].get("command") in ("api-server", ["api-server"])
    secrets = set()
    for name in AIRFLOW_SERVICES:
        env = environment(services[name])
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "LocalExecutor", f"{name}: executor"
        assert env.get("AIRFLOW__CORE__LOAD_EXAMPLES", "").lower() == "false", f"{name}: examples are loaded"
        assert env.get("GX_ANALYTICS_ENABLED") == "False", f"{name}: Great Expectations analytics are on"
        assert env.get("AIRFLOW__CORE__DAGS_FOLDER") == CODE_MOUNTS["dags"], f"{name}: dags folder"
        assert env.get("NEWSWATCH_OUTBOX_DIR") == "/opt/airflow/outbox", f"{name}: outbox dir"
        url = urlsplit(env.get("AIRFLOW__CORE__EXECUTION_API_SERVER_URL", ""))
        assert url.hostname == "airflow-apiserver" and url.port in apiserver_ports and url.path == "/execution/", (
            f"{name}: tasks cannot reach the Execution API at {url.geturl()!r}"
        )
        secret = env.get("AIRFLOW__API_AUTH__JWT_SECRET", "")
        assert len(secret) >= 32, f"{name}: AIRFLOW__API_AUTH__JWT_SECRET must be set (32+ characters)"
        secrets.add(secret)
    assert len(secrets) == 1, "Airflow services must share one JWT secret, or task tokens fail verification"


def test_airflow_init_migrates_both_databases(services: dict) -> None:
    init = services["airflow-init"]
    command = init.get("command")
    script = "\n".join(command) if isinstance(command, list) else str(command)
    assert re.search(r"airflow db migrate", script), "airflow-init does not run `airflow db migrate`"
    assert re.search(r"(^|\s)newswatch migrate(\s|$)", script, re.MULTILINE), "airflow-init does not run `newswatch migrate`"
    scripts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8")).get("project", {}).get("scripts", {})
    assert "newswatch" in scripts, "airflow-init runs `newswatch`, but pyproject.toml declares no such command"
    for name in AIRFLOW_SERVICES:
        if name == "airflow-init":
            continue
        condition = (services[name].get("depends_on") or {}).get("airflow-init", {}).get("condition")
        assert condition == "service_completed_successfully", f"{name} starts before airflow-init has finished"


def test_airflow_init_creates_the_fetch_pool_the_dag_uses(services):
    from newswatch_airflow.conn_ids import FETCH_POOL

    command = services["airflow-init"].get("command")
    script = "\n".join(command) if isinstance(command, list) else str(command)
    assert f"airflow pools set {FETCH_POOL} " in script


# --- the CeleryExecutor layout (docker-compose.celery.yml) -----------------------------------------


def test_the_default_stack_runs_no_celery_service(services: dict) -> None:
    for name in CELERY_SERVICES:
        assert profiles(services[name]), f"{name} runs without a profile, also with the LocalExecutor"
    assert "celery" in profiles(services["redis"]) and "celery" in profiles(services["airflow-worker"])
    assert profiles(services["flower"]) == {"flower"}, "Flower belongs behind its own profile"
    assert "flower" in profiles(services["redis"]), "--profile flower alone would leave Flower without its broker"
    for name, service in services.items():
        if not profiles(service):
            assert not set(depends(service)) & CELERY_SERVICES, f"{name} needs a Celery service the default stack lacks"


def test_the_celery_file_only_patches_services_of_the_base_file(celery_override: dict, services: dict) -> None:
    for name, patch in celery_override["services"].items():
        assert name in services, f"docker-compose.celery.yml patches {name}, which docker-compose.yml lacks"
        assert set(patch) <= {"environment", "depends_on"}, f"{name}: {sorted(set(patch) - {'environment', 'depends_on'})}"
        assert all(isinstance(value, dict) for value in patch.values()), f"{name}: lists would not merge key by key"
    missing = set(AIRFLOW_SERVICES) - set(celery_override["services"])
    assert not missing, f"docker-compose.celery.yml leaves {sorted(missing)} on the LocalExecutor"


def test_with_the_celery_file_every_component_uses_celery_over_redis(celery_services: dict) -> None:
    redis = celery_services["redis"]
    assert redis.get("image", "").startswith("redis:"), "the broker is not a Redis image"
    assert "redis-cli" in " ".join(redis["healthcheck"]["test"]), "redis has no health check to wait on"
    backends = set()
    for name in [*AIRFLOW_SERVICES, "airflow-cli"]:
        env = environment(celery_services[name])
        assert env.get("AIRFLOW__CORE__EXECUTOR") == "CeleryExecutor", f"{name}: executor {env.get('AIRFLOW__CORE__EXECUTOR')}"
        broker = urlsplit(env.get("AIRFLOW__CELERY__BROKER_URL", ""))
        assert broker.scheme == "redis" and broker.hostname == "redis", f"{name}: broker {broker.geturl()!r}"
        assert (broker.port or 6379) in container_ports(redis), f"{name}: redis does not expose {broker.port or 6379}"
        backend = env.get("AIRFLOW__CELERY__RESULT_BACKEND", "")
        metadata = urlsplit(env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"])
        result = urlsplit(backend.removeprefix("db+"))
        assert backend.startswith("db+postgresql") and (result.hostname, result.path) == (metadata.hostname, metadata.path), (
            f"{name}: Celery results go to {backend!r}, not to Airflow's metadata database"
        )
        backends.add(backend)
    assert len(backends) == 1
    for name in ("airflow-scheduler", "airflow-worker", "flower"):
        assert depends(celery_services[name]).get("redis") == "service_healthy", f"{name} does not wait for Redis"


def test_the_worker_scales_and_runs_what_the_scheduler_ran(celery_services: dict) -> None:
    worker, scheduler = celery_services["airflow-worker"], celery_services["airflow-scheduler"]
    assert worker.get("command") in ("celery worker", ["celery", "worker"])
    # `--scale airflow-worker=N` needs replicas that can coexist: no fixed name, hostname or host port
    for key in ("container_name", "hostname", "ports"):
        assert key not in worker, f"airflow-worker sets {key}: a second replica would clash"
    assert "celery@${HOSTNAME}" in " ".join(worker["healthcheck"]["test"]), "the health check must ping this replica"
    assert environment(worker).get("DUMB_INIT_SETSID") == "0", "SIGTERM must reach the worker alone (warm shutdown)"
    # the tasks moved from the scheduler to the worker: same image, mounts, connections and settings
    assert (worker.get("image"), worker.get("build"), worker.get("user")) == (
        scheduler.get("image"), scheduler.get("build"), scheduler.get("user"))
    assert sorted(bind_mounts(worker)) == sorted(bind_mounts(scheduler))
    worker_only = {"DUMB_INIT_SETSID", "AIRFLOW__CELERY__WORKER_CONCURRENCY"}
    assert {k: v for k, v in environment(worker).items() if k not in worker_only} == environment(scheduler)
    assert int(environment(worker)["AIRFLOW__CELERY__WORKER_CONCURRENCY"]) >= 1
    assert depends(worker).get("airflow-apiserver") == "service_healthy", "tasks report to the Execution API"


def test_flower_is_celery_flower_on_5555(services: dict) -> None:
    flower = services["flower"]
    assert flower.get("command") in ("celery flower", ["celery", "flower"])
    assert 5555 in container_ports(flower) and any(str(p).startswith("5555:") for p in flower.get("ports", []))
