"""The Airflow DAG id of a topic: `newswatch__<topic>`. One home for the rule, read by the DAG
factory, the run-note listener, the view and the links in emails. Imports nothing, so the
scheduler's listener stays light and any room may use it."""

DAG_PREFIX = "newswatch__"


def dag_id_for(topic_name: str) -> str:
    return f"{DAG_PREFIX}{topic_name}"

