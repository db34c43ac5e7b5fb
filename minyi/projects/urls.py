from django.urls import URLPattern

from minyi.projects.delivery import views as delivery_views
from minyi.projects.fund import views as fund_views
from minyi.projects.selfbuild import views as selfbuild_views

app_name = "projects"

urlpatterns: list[URLPattern] = []
# P3/P5/P6 pages (delivery helper).
urlpatterns += [*delivery_views.urlpatterns, *selfbuild_views.urlpatterns, *fund_views.urlpatterns]
