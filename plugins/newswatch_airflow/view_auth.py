"""Airflow's own authentication and authorisation for the newswatch view.

A plugin's FastAPI app is mounted on the API server without any protection of its own, so
every route depends on `current_user`: Airflow's `get_user` (the JWT the UI keeps in its
`_token` cookie, or an `Authorization: Bearer` token from `POST /auth/token`), answering 401
without one and 403 for a bad one. A topic is shown to whoever may read its DAG's runs
(`is_authorized_dag(GET, RUN)` on `newswatch__<topic>`), as Airflow's grid would be.

Airflow's security module is imported when a request comes, not when the plugin loads: every
Airflow component loads plugins, and only the API server serves this app.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.security import HTTPBearer
from newswatch.dag_ids import dag_id_for

_bearer = HTTPBearer(auto_error=False)


async def current_user(request: Request) -> Any:
    """The signed-in Airflow user (Airflow's get_user: bearer token first, else the UI's cookie)."""
    from airflow.api_fastapi.core_api.security import get_user

    return await get_user(request, None, await _bearer(request))


def may_read_topic(user: Any, topic: str) -> bool:
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity, DagDetails

    return get_auth_manager().is_authorized_dag(method="GET", access_entity=DagAccessEntity.RUN,
                                                details=DagDetails(id=dag_id_for(topic)), user=user)


def require_topic(user: Any, topic: str) -> None:
    if not may_read_topic(user, topic):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"not allowed to read the runs of {dag_id_for(topic)}")
