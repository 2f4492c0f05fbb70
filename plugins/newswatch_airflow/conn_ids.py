"""Airflow connection ids newswatch reads. One place, so DAGs, hooks, docs and docker-compose agree."""

DB_CONN_ID = "newswatch_db"
SMTP_CONN_ID = "smtp_default"
