"""Great Expectations Data Docs built from the validation results stored in Postgres.

Postgres (`validation_results`) is the record; the HTML site is derived from it, so it can be
rebuilt anywhere at any time (`newswatch docs`, `make docs`) and shows the last runs'
results, not only this process's. Default folder: `$NEWSWATCH_HOME/data_docs`.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import psycopg

from newswatch import paths
from newswatch.store import quality as quality_rows
from newswatch.store.db import newswatch_home

SUITES_DIR = paths.EXPECTATIONS
SITE = "newswatch"
MARKER = ".newswatch-data-docs"  # in every folder newswatch built: only such a folder is cleared


def docs_dir() -> Path:
    return Path(os.environ.get("NEWSWATCH_DATA_DOCS_DIR") or newswatch_home() / "data_docs")


def build_data_docs(conn: psycopg.Connection, folder: Path | None = None, topic: str | None = None,
                    runs: int = 30) -> Path:
    """Render the suites and the GX results of the last `runs` runs; returns index.html. The
    folder is replaced; ValueError if it holds anything newswatch did not build there."""
    folder = (folder or docs_dir()).resolve()
    _clear(folder)  # derived output: a rebuild shows exactly what Postgres holds
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    folder.mkdir(parents=True)
    (folder / MARKER).write_text("Great Expectations Data Docs built by `newswatch docs`; "
                                 "rebuilding deletes this folder.\n", encoding="utf-8")
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for name in list(context.variables.data_docs_sites or {}):
        context.delete_data_docs_site(name)  # the ephemeral default writes into a temp folder
    context.add_data_docs_site(SITE, {
        "class_name": "SiteBuilder", "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    })
    for path in sorted(SUITES_DIR.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        context.suites.add(gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"],
                                               notes=spec.get("notes")))
    schema = ExpectationSuiteValidationResultSchema()
    stored = quality_rows.stored_gx_results(conn, topic, runs)
    for row in stored:
        result = schema.load(row["result"])
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=row["suite"]),
            run_id=RunIdentifier(run_name=row["run_id"], run_time=row["started_at"]),
            batch_identifier=row["topic"],
        )
        context.validation_results_store.set(key, result)
    context.build_data_docs(site_names=[SITE])
    return folder / "index.html"


def _clear(folder: Path) -> None:
    """Delete `folder` if it is missing, empty, or one newswatch built (it holds MARKER);
    anything else (`--out .`, a home directory) is refused, never deleted."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder; choose another place for the Data Docs")
    if (folder / MARKER).is_file():
        shutil.rmtree(folder)
    elif any(folder.iterdir()):
        raise ValueError(f"{folder} is not empty and was not made by `newswatch docs` (no {MARKER} in it); "
                         "refusing to delete it: choose an empty or new folder for the Data Docs")
    else:
        folder.rmdir()
