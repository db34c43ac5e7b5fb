"""The administration site, open to every administrator; each model's admin scopes what they see.

Django's stock site admits only `is_staff` accounts. Here the administrator role granted on a unit
is what counts (O2), so an administrator of 东城区 can log in and works inside 东城区 only.
Installed as `minyi.core.admin_site.MinyiAdminConfig` in place of `django.contrib.admin`.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class MinyiAdminSite(AdminSite):
    site_header = _("民意平台管理")
    site_title = _("民意平台管理")
    index_title = _("管理首页")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and (user.is_superuser or user.has_perm("core.use_admin_site")))


class MinyiAdminConfig(AdminConfig):
    default_site = "minyi.core.admin_site.MinyiAdminSite"
