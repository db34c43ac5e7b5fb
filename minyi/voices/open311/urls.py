"""Open311 GeoReport v2 (W2), mounted at /open311/v2/ with its own formats and errors.

Every path has a `.json` and a `.xml` form; anything else under the prefix is an Open311 404.
"""

from __future__ import annotations

from django.urls import URLPattern, re_path

from minyi.voices.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns: list[URLPattern] = [
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[-a-zA-Z0-9_]{1,40})" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[-A-Za-z0-9_]{1,40})" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[-A-Za-z0-9_]{1,64})" + FMT, views.token_lookup, name="token"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
