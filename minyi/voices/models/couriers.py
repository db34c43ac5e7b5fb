"""V6 — couriers (民情专递员): yearly appointments per community, appraisal, subsidies, visit logs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubsidyPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    YEAR = "year", _("每年")


class AppointmentStatus(models.TextChoices):
    ACTIVE = "active", _("在聘")
    ENDED = "ended", _("已解聘")


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("合格")
    BASIC = "basic", _("基本合格")
    POOR = "poor", _("不合格")


class CourierAppointment(models.Model):
    """一年一聘: one person appointed courier of one community for one year."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="courier_appointments",
        verbose_name=_("民情专递员"),
    )
    community = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        related_name="courier_appointments",
        verbose_name=_("社区（村）"),
    )
    year = models.PositiveSmallIntegerField(_("聘任年度"))
    subsidy_amount = models.DecimalField(_("工作补贴（元）"), max_digits=10, decimal_places=2)
    subsidy_period = models.CharField(
        _("补贴周期"), max_length=10, choices=SubsidyPeriod.choices, default=SubsidyPeriod.MONTH
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.ACTIVE
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("聘任人"),
    )
    appointed_at = models.DateTimeField(_("聘任时间"))
    role_grant = models.ForeignKey(
        "core.RoleGrant", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(_("解聘时间"), null=True, blank=True)
    end_reason = models.CharField(_("解聘原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("民情专递员聘任")
        verbose_name_plural = _("民情专递员聘任")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community", "year"], name="one_courier_appointment_per_year"
            )
        ]
        indexes = [models.Index(fields=["community", "year"], name="courier_community_year")]

    def __str__(self) -> str:
        return f"{self.person} · {self.community} · {self.year}"


class CourierAppraisal(models.Model):
    """一年一考核: the yearly appraisal of an appointment."""

    appointment = models.ForeignKey(CourierAppointment, on_delete=models.CASCADE, related_name="appraisals")
    year = models.PositiveSmallIntegerField(_("考核年度"))
    grade = models.CharField(_("考核等次"), max_length=10, choices=AppraisalGrade.choices)
    notes = models.TextField(_("考核意见"), blank=True)
    appraised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    appraised_at = models.DateTimeField(_("考核时间"))

    class Meta:
        verbose_name = _("民情专递员考核")
        verbose_name_plural = _("民情专递员考核")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "year"], name="one_courier_appraisal_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.year} {self.grade}"


class SubsidyPayment(models.Model):
    """A subsidy paid for one period: `2026-03` (monthly) or `2026` (yearly)."""

    appointment = models.ForeignKey(CourierAppointment, on_delete=models.PROTECT, related_name="payments")
    period = models.CharField(_("补贴期间"), max_length=7)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    paid_on = models.DateField(_("发放日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "id"]
        verbose_name = _("补贴发放")
        verbose_name_plural = _("补贴发放")
        constraints = [
            models.UniqueConstraint(fields=["appointment", "period"], name="one_subsidy_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.period} {self.amount}"


class VisitKind(models.TextChoices):
    VISIT = "visit", _("民情家访")
    DIARY = "diary", _("民情日记")


class CourierVisit(models.Model):
    """A courier's own log of a home visit or a diary entry; counted in the yearly appraisal."""

    appointment = models.ForeignKey(CourierAppointment, on_delete=models.PROTECT, related_name="visits")
    courier = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courier_visits"
    )
    community = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=VisitKind.choices, default=VisitKind.VISIT)
    visited_at = models.DateTimeField(_("走访时间"))
    household = models.CharField(_("走访户（楼栋）"), max_length=120, blank=True)
    heard = models.TextField(_("听到的民情"))
    category = models.ForeignKey(
        "voices.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("类别"),
    )
    voices = models.ManyToManyField("voices.Voice", blank=True, related_name="courier_visits")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_at", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        indexes = [models.Index(fields=["courier", "visited_at"], name="courier_visit_when")]

    def __str__(self) -> str:
        return f"{self.courier_id} {self.visited_at:%Y-%m-%d}"

    @property
    def unit(self) -> object:
        return self.community
