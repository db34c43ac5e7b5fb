"""The /api/v1/ NinjaAPI: every app's router is mounted here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Minyi 民意 API", version="1.0.0", urls_namespace="api")
