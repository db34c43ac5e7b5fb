from django.urls import path

from minyi.core import views

app_name = "core"
urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
]
