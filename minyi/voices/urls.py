"""Voices pages. Each area keeps its own `urlpatterns` in minyi/voices/views/<area>.py."""

from __future__ import annotations

from minyi.voices.views import couriers, handling, imports, insights, intake, reports, suggestions

app_name = "voices"
urlpatterns = [
    *intake.urlpatterns,
    *handling.urlpatterns,
    *imports.urlpatterns,
    *reports.urlpatterns,
    *suggestions.urlpatterns,
    *couriers.urlpatterns,
    *insights.urlpatterns,
]
