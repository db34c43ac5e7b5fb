"""Deliberation pages, mounted at /deliberation/."""

from __future__ import annotations

from minyi.deliberation.views import consultation, councils, inquiries, member, public, staff, survey_topics

app_name = "deliberation"
urlpatterns = [
    *public.urlpatterns,
    *member.urlpatterns,
    *staff.urlpatterns,
    *councils.urlpatterns,
    *survey_topics.urlpatterns,
    *consultation.urlpatterns,
    *inquiries.urlpatterns,
]
