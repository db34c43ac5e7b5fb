"""Categories of voices; each is also an Open311 service (service_code)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    code = models.SlugField(_("服务代码"), max_length=40, unique=True, help_text=_("Open311 service_code"))
    name = models.CharField(_("名称"), max_length=60)
    group = models.CharField(_("分组"), max_length=40, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("以逗号分隔"))
    default_department = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("默认承办部门"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")

    def __str__(self) -> str:
        return self.name
