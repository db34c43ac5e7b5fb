"""The /api/v1/ NinjaAPI: every app's router is mounted here (see docs/api.md)."""

from __future__ import annotations

from minyi.ballots.api import router as ballots_router
from minyi.core.api import catalogue, grants, notifications, people, record, units
from minyi.core.apiutil.auth import API_AUTH
from minyi.core.apiutil.ninja import MinyiAPI
from minyi.deliberation.api import router as deliberation_router
from minyi.projects.api import router as projects_router
from minyi.surveys.api import router as surveys_router
from minyi.voices.api import router as voices_router

api = MinyiAPI(
    title="Minyi 民意 API",
    version="1.0.0",
    urls_namespace="api",
    auth=API_AUTH,
    description=(
        "Errors are always {code, message, details}; lists are pages {items, count, page, page_size, "
        "next, previous}. Authenticate with `Authorization: Bearer <token>` or the browser session "
        "(send X-CSRFToken on unsafe methods)."
    ),
)

api.add_router("", people.router)
api.add_router("", units.router)
api.add_router("", catalogue.router)
api.add_router("", grants.router)
api.add_router("", notifications.router)
api.add_router("", record.router)
api.add_router("/ballots", ballots_router)
api.add_router("/voices", voices_router)
api.add_router("/deliberation", deliberation_router)
api.add_router("/projects", projects_router)
api.add_router("/surveys", surveys_router)
