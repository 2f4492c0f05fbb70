# newswatch: `make demo` runs the pipeline end to end; `make test` runs the full suite.
# Both build .venv from the pinned requirements first. State lives in .local/.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export NEWSWATCH_HOME               ?= $(CURDIR)/.local
export AIRFLOW_HOME                 ?= $(CURDIR)/.local/airflow
export AIRFLOW__CORE__DAGS_FOLDER   := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export GX_ANALYTICS_ENABLED         := False
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PATH := $(CURDIR)/$(BIN):$(PATH)  # airflow standalone starts its components as `airflow ...`

.PHONY: venv demo test lint airflow run bench docs report stop clean

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==26.3"
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(AIRFLOW_HOME)/airflow.db: | $(STAMP)
	mkdir -p $(AIRFLOW_HOME)
	$(BIN)/airflow db migrate > $(AIRFLOW_HOME)/db-migrate.log 2>&1 || (cat $(AIRFLOW_HOME)/db-migrate.log; exit 1)
	$(BIN)/airflow pools set newswatch_fetch 4 "newswatch feed fetches, all topics" >> $(AIRFLOW_HOME)/db-migrate.log 2>&1

demo: $(STAMP) $(AIRFLOW_HOME)/airflow.db
	$(BIN)/newswatch demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Airflow's UI at http://127.0.0.1:8080 (the login is printed at start-up): a DAG per topic file of
# include/topics/ plus the demo topic's (newswatch__demo, on the bundled sample site served here,
# unpaused and triggered once: it works offline). The API server listens on this machine only;
# NEWSWATCH_AIRFLOW_HOST=0.0.0.0 serves every interface.
NEWSWATCH_AIRFLOW_HOST ?= 127.0.0.1
airflow: $(STAMP) $(AIRFLOW_HOME)/airflow.db
	AIRFLOW__API__HOST=$(NEWSWATCH_AIRFLOW_HOST) $(BIN)/python -m newswatch.demo_airflow

# The pipeline once against the topic's live feeds (needs the internet), outside Airflow.
run: $(STAMP)
	$(BIN)/newswatch -v run --topic include/topics/russia_north_korea.yaml

lint: $(STAMP)
	$(BIN)/ruff check include plugins dags tests bench

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py --quick

# Great Expectations Data Docs of the last runs' validation results (built from Postgres into
# .local/data_docs/, then opened in a browser).
docs: $(STAMP)
	$(BIN)/newswatch docs --open

# The last runs, the quarantine reasons and the feed health, in the terminal.
report: $(STAMP)
	$(BIN)/newswatch report

# The embedded Postgres keeps running between commands (the demo, the CLI and Airflow share it).
# `stop` asks Postgres itself (postmaster.pid, else the process serving the folder), whatever
# pgserver's handle list says after a killed run; `clean` deletes nothing under a live server.
stop:
	@test ! -d "$(NEWSWATCH_HOME)/pgdata" || $(BIN)/python -m newswatch.store.embedded_pg stop "$(NEWSWATCH_HOME)/pgdata"

clean: stop
	@test ! -d .local/pgdata || $(BIN)/python -m newswatch.store.embedded_pg assert-stopped .local/pgdata
	rm -rf .local
