from django.contrib.auth import views as auth_views
from django.urls import path

from minyi.core import views

app_name = "core"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    # Django's LogoutView accepts POST only (with CSRF), so a link or image cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", views.workbench, name="workbench"),
]
