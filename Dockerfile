# newswatch's Airflow image: the official Airflow image plus the project's pinned dependencies
# and the `newswatch` package. Built by docker-compose.yml (`docker compose build`).
#
# The base tag must match the apache-airflow pin in requirements.txt (tests/test_compose.py checks it).
FROM apache/airflow:3.3.2-python3.11

# The base image runs as `airflow` and installs into its environment with plain pip, as documented
# for extending the image; stay that user so nothing here is owned by root.
USER airflow
WORKDIR /opt/airflow

# 1. Third-party dependencies. This is the slow layer, so it comes first and depends only on the
#    two pin files: editing code never re-runs it. constraints.txt is the full lock, so the image
#    gets exactly the versions CI tested.
COPY --chown=airflow:0 requirements.txt constraints.txt /opt/airflow/
RUN pip install --no-cache-dir -r /opt/airflow/requirements.txt -c /opt/airflow/constraints.txt

# 2. The project itself, editable and without dependencies (they are all in layer 1). pyproject.toml
#    maps `newswatch` to include/newswatch and `newswatch_airflow` to plugins/newswatch_airflow.
#    Editable, so both are imported from /opt/airflow/include and /opt/airflow/plugins, the paths
#    docker-compose.yml bind-mounts ./include and ./plugins onto: code edits on the host take effect
#    without a rebuild, and the `newswatch` command and the mounted code can never disagree.
#    (README*/LICENSE* are globs so that a missing one is no error; pyproject.toml names README.md.)
COPY --chown=airflow:0 pyproject.toml README* LICENSE* /opt/airflow/
COPY --chown=airflow:0 include/ /opt/airflow/include/
COPY --chown=airflow:0 plugins/ /opt/airflow/plugins/
RUN pip install --no-cache-dir --no-deps -e /opt/airflow \
    && python -c "import newswatch" \
    && command -v newswatch
