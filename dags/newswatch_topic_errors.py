"""
newswatch: the topic files that could not become a DAG, as this file's import error.

Airflow records one import error per DAG file, and marks every DAG of a file with an import error
stale (hidden, not scheduled). So the broken topics are reported here, by a file of their own
that defines no DAG, rather than by dags/newswatch_topics.py: the good topics' DAGs stay up, and
the import error (Browse → Dag Import Errors; `airflow dags list-import-errors`) names each
broken file and its field.
"""

from __future__ import annotations

from newswatch_airflow.topics import catalog


class TopicFilesInvalid(Exception):
    """Topic files of the topics folder that do not load; the message names each file and field."""


_broken = catalog().broken
if _broken:
    raise TopicFilesInvalid(f"{len(_broken)} topic file(s) could not become an Airflow dag:\n"
                            + "\n".join(f"- {b.problem}" for b in _broken))
