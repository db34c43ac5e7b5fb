from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "minyi.portal"
    label = "portal"
    verbose_name = "门户"
