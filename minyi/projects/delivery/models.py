"""P3 — delivery supervision (项目实施监督): milestones, payments with documents, photos, problems, findings.

A `Delivery` tracks one thing being built: an elected livelihood project, a special-fund item (P6) or
a self-build project (P5), linked by (subject_type, subject_id) like a poll. Its progress is never
stored: it is the weight-weighted mean of its milestones' progress (`with_progress`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def with_progress(self) -> DeliveryQuerySet:
        """Annotate Σ(weight × progress), Σ weight and Σ payments in one query (list pages)."""
        return self.annotate(
            progress_points=Sum(F("milestones__weight") * F("milestones__progress")),
            weight_total=Sum("milestones__weight"),
        )


class Delivery(models.Model):
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("所在单位")
    )
    title = models.CharField(_("项目名称"), max_length=120)
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    # What is being built: "projects.project", "projects.funditem" or "projects.need" and its key.
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("项目实施")
        verbose_name_plural = _("项目实施")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id"], name="one_delivery_per_subject")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> int:
        """Percent done, derived from the milestones (annotated by `with_progress`, else one query)."""
        points = getattr(self, "progress_points", None)
        weights = getattr(self, "weight_total", None)
        if not hasattr(self, "weight_total"):
            sums = self.milestones.aggregate(points=Sum(F("weight") * F("progress")), weights=Sum("weight"))
            points, weights = sums["points"], sums["weights"]
        return weighted_percent(points, weights)


def weighted_percent(points: int | Decimal | None, weights: int | Decimal | None) -> int:
    """Σ(w·p)/Σw rounded half up to a whole percent; 0 when there is nothing to weigh."""
    if not weights:
        return 0
    return int((Decimal(points or 0) / Decimal(weights)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


class Milestone(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点名称"), max_length=100)
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    planned_start = models.DateField(_("计划开始"))
    planned_end = models.DateField(_("计划完成"))
    actual_end = models.DateField(_("实际完成"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    position = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("进展说明"), blank=True)

    class Meta:
        ordering = ["delivery", "position", "pk"]
        verbose_name = _("项目节点")
        verbose_name_plural = _("项目节点")

    def __str__(self) -> str:
        return self.title


class Payment(models.Model):
    """A payment against the budget; the voucher or invoice (`document`) is required."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("支付日期"))
    payee = models.CharField(_("收款单位"), max_length=120)
    purpose = models.CharField(_("用途"), max_length=200)
    document = models.ForeignKey(
        "core.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name=_("凭证")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["delivery", "paid_on", "pk"]
        verbose_name = _("资金支付")
        verbose_name_plural = _("资金支付")

    def __str__(self) -> str:
        return f"{self.payee} {self.amount}"


class Problem(models.Model):
    """民呼我督: a deputy or resident representative reports a problem; it is handled as a voice."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="problems")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("问题"))
    voice = models.OneToOneField(
        "voices.Voice", on_delete=models.PROTECT, related_name="delivery_problem", verbose_name=_("民情事项")
    )
    filed_at = models.DateTimeField(_("反映时间"))

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("实施问题")
        verbose_name_plural = _("实施问题")

    def __str__(self) -> str:
        return self.text[:50]


class Finding(models.Model):
    """A finance, audit or discipline finding on a delivery, self-build round or fund; it must be answered."""

    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("监督角色"), max_length=20)
    text = models.TextField(_("发现的问题"))
    raised_at = models.DateTimeField()
    answer = models.TextField(_("整改答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="finding_subject")]
        verbose_name = _("监督意见")
        verbose_name_plural = _("监督意见")

    def __str__(self) -> str:
        return self.text[:50]


def spent(delivery: Delivery) -> Decimal:
    total = delivery.payments.aggregate(total=Sum("amount"))["total"]
    return total if total is not None else Decimal("0.00")


__all__ = ["Delivery", "Finding", "Milestone", "Payment", "Problem", "spent", "weighted_percent"]
