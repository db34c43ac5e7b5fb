from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from minyi.config.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("voices/", include("minyi.voices.urls")),
    path("deliberation/", include("minyi.deliberation.urls")),
    path("projects/", include("minyi.projects.urls")),
    path("surveys/", include("minyi.surveys.urls")),
    path("open311/v2/", include("minyi.voices.open311.urls")),
    path("", include("minyi.core.urls")),
    path("", include("minyi.portal.urls")),
]
# Uploaded files are served by core:attachment (files/<pk>/), which checks who may open them; the
# media folder itself is never exposed.
