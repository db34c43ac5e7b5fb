"""Projects pages, mounted at /projects/: rounds (P1/P2), delivery (P3), self-build (P5), the fund (P6), effect evaluation (P4)."""

from minyi.projects.delivery import views as delivery_views
from minyi.projects.effect import views as effect_views
from minyi.projects.fund import staff as fund_staff
from minyi.projects.fund import views as fund_views
from minyi.projects.selfbuild import staff as selfbuild_staff
from minyi.projects.selfbuild import views as selfbuild_views
from minyi.projects.staff_views import urlpatterns as staff_patterns
from minyi.projects.views import urlpatterns as page_patterns

app_name = "projects"
urlpatterns = [
    *page_patterns,
    *staff_patterns,
    *delivery_views.urlpatterns,
    *selfbuild_staff.urlpatterns,
    *selfbuild_views.urlpatterns,
    *fund_staff.urlpatterns,
    *fund_views.urlpatterns,
    *effect_views.urlpatterns,
]
