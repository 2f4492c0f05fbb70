"""The library's rooms (docs/LAYOUT.md), checked on its import graph: `ast` over include/newswatch,
imports inside functions included. No loops; no module imports a later stage; the library never
imports Airflow; SQL statements only under store/."""

from __future__ import annotations

import ast
from pathlib import Path

import regex
from conftest import ROOT

LIBRARY = ROOT / "include" / "newswatch"
# The stage order, as the data flows: a module imports from its own room or an earlier one.
# Top-level modules not named here (pipeline, seeds, cli, demo, after_store, wired, ...) are the
# wiring, after every room.
STAGES = [("text",), ("config", "records", "run_stats", "isolation", "paths", "dag_ids"), ("store",), ("ingest",),
          ("extract",), ("dedupe",), ("claims",), ("quality",), ("alerts",), ("report",), ("devsets",)]
RANK = {room: rank for rank, rooms in enumerate(STAGES) for room in rooms}
WIRING = len(STAGES)
SQL = regex.compile(r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+INTO\b|\bUPDATE\s+\w+(?:\s+\w+)?\s+SET\b|\bDELETE\s+FROM\b")
SQL_ALLOWED = {
    "isolation.py": "a query printed for the reader of a bug report, never run",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in LIBRARY.rglob("*.py"):
        parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The modules `path` imports (the deepest name of the library that is a module)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & set(MODULES)
            out |= submodules
            if len(submodules) < len(node.names):  # names defined in the module itself
                out.add(node.module)
    return out


def _graph() -> dict[str, set[str]]:
    return {name: {i for i in _imports(path) if i in MODULES and i != name} for name, path in MODULES.items()}


def _rank(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # newswatch/__init__.py: the version, nothing imported
    return RANK.get(parts[1], WIRING)


def test_the_rooms_are_the_stages_and_every_module_is_in_one():
    rooms = {name.split(".")[1] for name, path in MODULES.items() if "." in name and path.name == "__init__.py"
             and name.count(".") == 1}
    assert rooms - {"store"} <= set(RANK), f"a package outside the stage order: {rooms - set(RANK)}"
    assert {"text", "ingest", "extract", "dedupe", "claims", "quality", "alerts", "report", "store"} <= rooms


def test_no_module_imports_a_later_stage():
    upward = sorted(f"{a} -> {b}" for a, targets in _graph().items() for b in targets if _rank(b) > _rank(a))
    assert upward == []


def test_the_import_graph_has_no_loops():
    graph = _graph()
    loops, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                loops.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert loops == []


def test_the_library_never_imports_airflow():
    assert sorted(name for name, path in MODULES.items()
                  if any(i == "airflow" or i.startswith("airflow.") for i in _imports(path))) == []


def test_sql_statements_live_under_store():
    outside = []
    for name, path in MODULES.items():
        where = path.relative_to(LIBRARY).as_posix()
        if where.startswith("store/") or where in SQL_ALLOWED:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                outside.append(f"{where}:{node.lineno}")
    assert outside == []


def test_the_checks_see_what_they_check():
    """The graph test can fail: a known import and a known SQL string are found."""
    assert "newswatch.store" in _graph()["newswatch.pipeline"]
    assert _rank("newswatch.claims.novelty") > _rank("newswatch.dedupe.layers")
    assert SQL.search("SELECT id FROM articles") and SQL.search("UPDATE runs SET x = 1")
    assert not SQL.search("select the articles from the feed")
