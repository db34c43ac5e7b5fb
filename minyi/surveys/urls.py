"""Survey pages, mounted at /surveys/."""

from __future__ import annotations

from minyi.surveys.views import respond, staff

app_name = "surveys"
urlpatterns = [*respond.urlpatterns, *staff.urlpatterns]
