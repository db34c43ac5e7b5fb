from django.contrib.auth import views as auth_views
from django.urls import path

from minyi.core import attachments, notification_views, process_views, role_request_views, views

app_name = "core"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    # Django's LogoutView accepts POST only (with CSRF), so a link or image cannot log anyone out.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("workbench/", views.workbench, name="workbench"),
    path("processes/<int:pk>/", process_views.instance_detail, name="process_instance"),
    path("processes/<int:pk>/steps/<slug:name>/", process_views.instance_act, name="process_act"),
    path("processes/<int:pk>/override/", process_views.instance_override, name="process_override"),
    path("roles/request/", role_request_views.request_role, name="request_role"),
    path("notifications/", notification_views.notification_centre, name="notifications"),
    path("notifications/read/", notification_views.mark_read, name="notifications_read"),
    path("files/<int:pk>/", attachments.attachment_file, name="attachment"),
]
