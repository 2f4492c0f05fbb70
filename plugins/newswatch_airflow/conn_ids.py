"""Airflow connection ids and pool names newswatch uses. One place, so DAGs, hooks, docs and
docker-compose agree."""

DB_CONN_ID = "newswatch_db"
SMTP_CONN_ID = "smtp_default"
# Airflow pool for the mapped feed fetches (create it: airflow pools set newswatch_fetch 4 "...").
FETCH_POOL = "newswatch_fetch"
