"""`[core] hostname_callable` for the Celery worker the test stack starts.

Every component of the stack runs on this one machine, so the task instances' `hostname`
would be the same whoever ran them. The stack gives its worker (and only its worker) this
callable and a name in NEWSWATCH_WORKER_HOSTNAME, as a container's hostname would be in
docker compose: a task instance carrying that name ran in the worker's process tree.
Kept apart from airflow_stack.py so the worker imports nothing else of the tests.
"""

import os


def hostname() -> str:
    return os.environ["NEWSWATCH_WORKER_HOSTNAME"]
