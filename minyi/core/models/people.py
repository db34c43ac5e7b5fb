"""O2 — people. One account per person; a person may hold many roles (see RoleGrant)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Person(AbstractUser):
    """A person who may log in (residents submitting without an account have no Person)."""

    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    home_unit = models.ForeignKey(
        "core.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="residents",
        verbose_name=_("所在单位"),
    )
    language = models.CharField(_("界面语言"), max_length=10, choices=settings.LANGUAGES, default="zh-hans")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name or self.username


class DeputyBody(models.TextChoices):
    NPC = "npc", _("人大代表")
    CPPCC = "cppcc", _("政协委员")
    PARTY = "party", _("党代表")


class DeputyLevel(models.TextChoices):
    TOWNSHIP = "township", _("乡镇级")
    COUNTY = "county", _("县（区）级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


class DeputyRecord(models.Model):
    """A mandate: NPC deputy, CPPCC member or party-congress delegate at a level, for a term."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputy_records", verbose_name=_("人员")
    )
    body = models.CharField(_("类型"), max_length=10, choices=DeputyBody.choices)
    level = models.CharField(_("层级"), max_length=10, choices=DeputyLevel.choices)
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="deputy_records", verbose_name=_("选区/联系站点")
    )
    delegation = models.CharField(_("代表团/界别"), max_length=80, blank=True)
    term = models.CharField(_("届次"), max_length=40, blank=True)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("代表委员")
        verbose_name_plural = _("代表委员")
        indexes = [models.Index(fields=["body", "level"], name="deputy_body_level")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_level_display()}{self.get_body_display()}"


class LoginFailure(models.Model):
    """A failed login, kept to throttle guessing per username and client address."""

    username = models.CharField(max_length=150)
    address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"], name="loginfail_user_at")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address} {self.at:%Y-%m-%d %H:%M}"
