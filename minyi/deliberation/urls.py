"""Deliberation pages, mounted at /deliberation/."""

from __future__ import annotations

from minyi.deliberation.views import consultation, councils, inquiries, member, public, staff

app_name = "deliberation"
urlpatterns = [
    *public.urlpatterns,
    *member.urlpatterns,
    *staff.urlpatterns,
    *councils.urlpatterns,
    *consultation.urlpatterns,
    *inquiries.urlpatterns,
]
