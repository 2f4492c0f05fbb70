"""newswatch: a news-monitoring pipeline library. Airflow-free: the DAGs wire these stages."""

__version__ = "0.1.0"
