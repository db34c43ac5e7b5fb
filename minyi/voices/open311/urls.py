"""Open311 GeoReport v2 (W2), mounted at /open311/v2/ with its own formats and errors."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "open311"
urlpatterns: list[URLPattern] = []
