"""The embedded Postgres (pgserver) seen from outside: is it running, and stop it for real.

pgserver remembers which processes use a server in `.handle_pids.json` and stops the server
when the last of them exits; a process killed with -9 stays in that list forever, so its own
cleanup never stops anything again (issue 11: `make stop` did nothing, and `make clean` would
have deleted the data folder under a live server). Here the truth is Postgres' own:
`postmaster.pid` in the data folder names the postmaster, and a process whose command line
runs postgres on this data folder is the server, whatever any pid file says.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import psutil


def _postgres_on(pgdata: Path) -> list[psutil.Process]:
    """Postmasters (a postgres process whose parent is not postgres) serving `pgdata`."""
    target = str(pgdata.resolve())
    found = []
    for proc in psutil.process_iter(["name", "cmdline", "ppid"]):
        try:
            cmdline = proc.info["cmdline"] or []
            if not cmdline or "postgres" not in os.path.basename(cmdline[0]):
                continue
            data = next((cmdline[i + 1] for i, arg in enumerate(cmdline[:-1]) if arg == "-D"), None)
            if data is None or str(Path(data).resolve()) != target:
                continue
            parent = psutil.Process(proc.info["ppid"]) if proc.info["ppid"] else None
            if parent is not None and "postgres" in (parent.name() or "") and parent.cmdline()[:1] == cmdline[:1]:
                continue  # a backend of the postmaster, not the postmaster
            found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def postmaster_pid(pgdata: Path) -> int | None:
    """The running postmaster of `pgdata`: from postmaster.pid when that process lives and is
    postgres, else found by its command line. None: no server runs on this folder."""
    pid_file = pgdata / "postmaster.pid"
    if pid_file.exists():
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            proc = psutil.Process(pid)
            if "postgres" in proc.name() and proc.status() != psutil.STATUS_ZOMBIE:
                return pid
        except (ValueError, IndexError, OSError, psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    running = _postgres_on(pgdata)
    return running[0].pid if running else None


def stop(pgdata: Path, timeout: float = 30.0) -> str:
    """Stop the server on `pgdata` (fast shutdown, then immediate), and forget pgserver's stale
    handles. Returns what happened; raises RuntimeError if it still runs."""
    pid = postmaster_pid(pgdata)
    if pid is None:
        _forget_handles(pgdata)
        return f"no Postgres server runs on {pgdata}"
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGQUIT, 10.0)):  # fast shutdown, then immediate
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and postmaster_pid(pgdata) is not None:
            time.sleep(0.2)
        if postmaster_pid(pgdata) is None:
            break
    if postmaster_pid(pgdata) is not None:
        raise RuntimeError(f"the Postgres server on {pgdata} (pid {pid}) did not stop")
    _forget_handles(pgdata)
    return f"stopped the Postgres server on {pgdata} (pid {pid})"


def _forget_handles(pgdata: Path) -> None:
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        handles.write_text("[]")


def main(argv: list[str] | None = None) -> int:
    """`python -m newswatch.store.embedded_pg stop|status|assert-stopped PGDATA` (the Makefile's)."""
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2 or args[0] not in ("stop", "status", "assert-stopped"):
        print("usage: python -m newswatch.store.embedded_pg stop|status|assert-stopped PGDATA", file=sys.stderr)
        return 2
    pgdata = Path(args[1])
    if args[0] == "stop":
        try:
            print(stop(pgdata))
        except RuntimeError as exc:
            print(f"newswatch: {exc}", file=sys.stderr)
            return 1
        return 0
    pid = postmaster_pid(pgdata)
    if args[0] == "status":
        print(f"Postgres runs on {pgdata} (pid {pid})" if pid else f"no Postgres server runs on {pgdata}")
        return 0
    if pid:
        print(f"newswatch: a Postgres server (pid {pid}) still runs on {pgdata}: not deleting it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
