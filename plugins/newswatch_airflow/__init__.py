"""Airflow glue for newswatch: connections → newswatch settings, notifiers."""
