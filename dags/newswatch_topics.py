"""
newswatch: one Airflow DAG per topic file (`newswatch__<topic>`).

The topics folder is NEWSWATCH_TOPICS_DIR (default include/topics/; folders or files separated
by ':'). Each DAG is built by plugins/newswatch_airflow/dag_factory.py and every one of its tasks
gets the topic file as an argument: the environment never decides at run time which topic runs.
A topic file that does not load is left out here and reported by dags/newswatch_topic_errors.py,
whose import error names the file and the field; the other topics' DAGs stay up.

Parsing reads only the topic files (YAML + pydantic): bench/dag_parse.py measures 50 of them.
"""

from __future__ import annotations

from newswatch_airflow.dag_factory import build_topic_dag
from newswatch_airflow.topics import catalog

for _source in catalog().topics:
    # a module-level name per DAG, as Airflow's docs do for generated DAGs
    globals()[_source.dag_id] = build_topic_dag(_source)
