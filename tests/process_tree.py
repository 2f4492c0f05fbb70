"""Stopping a test stack's processes for good: every component runs in a session of its own
and carries a marker in its environment, so what it leaves behind (children that outlived it,
or moved to a session of their own) is found in /proc, named, and killed. Linux only.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def kill_session(leader: int) -> list[str]:
    """SIGKILL what is still running in the process group `leader` started, but the leader
    itself; returns them as 'pid cmdline'."""
    return _kill([pid for pid in _running() if pid != leader and _pgid(pid) == leader])


def kill_marked(marker: str, value: str) -> list[str]:
    """SIGKILL every running process (but this one) whose environment has marker=value."""
    needle = f"{marker}={value}".encode() + b"\0"
    return _kill([pid for pid in _running() if pid != os.getpid() and needle in _environ(pid)])


def _running() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit() and _is_running(int(entry.name))]


def _is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited; its parent just has not reaped it yet


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def _describe(pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        cmdline = "?"
    return f"{pid} {cmdline}"


def _kill(pids: list[int]) -> list[str]:
    found = []
    for pid in pids:
        found.append(_describe(pid))
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return found
