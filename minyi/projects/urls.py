"""Projects pages, mounted at /projects/."""

from minyi.projects.views import urlpatterns as page_patterns

app_name = "projects"
urlpatterns = [*page_patterns]
