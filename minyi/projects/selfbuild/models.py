"""P5 — villager self-build (村民自建, seed 002): 民议 → 民定 → 民建 → 民评 → 民管.

The stage lives in the `village_selfbuild` process instance; what each stage produced is kept here.
Each chosen need is built as a `Delivery` (milestones, payments with documents, photos).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfBuildRound(models.Model):
    village = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="selfbuild_rounds", verbose_name=_("村（社区）")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    budget = models.DecimalField(_("村级公共服务资金（元）"), max_digits=14, decimal_places=2)
    # 民议
    meeting_record = models.TextField(_("议事会议记录"), blank=True)
    meeting_held_on = models.DateField(_("议事日期"), null=True, blank=True)
    meeting_attendance = models.PositiveIntegerField(_("参会人数"), null=True, blank=True)
    # 民定
    decision_poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # 民建: the villagers' committee that runs the work (村民项目议事小组/监督小组 members).
    committee = models.TextField(_("项目实施小组"), blank=True)
    # 民评
    acceptance_poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation_ref = models.CharField(_("效果评价问卷"), max_length=80, blank=True)
    # 民管
    caretaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("管护人"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("村民自建项目")
        verbose_name_plural = _("村民自建项目")
        constraints = [
            models.UniqueConstraint(fields=["village", "year", "title"], name="selfbuild_round_once")
        ]

    def __str__(self) -> str:
        return self.title


class Need(models.Model):
    """A need raised in 民议; the assembly's vote ranks it and chooses it within the budget (民定)."""

    round = models.ForeignKey(SelfBuildRound, on_delete=models.CASCADE, related_name="needs")
    title = models.CharField(_("项目名称"), max_length=120)
    description = models.TextField(_("需求说明"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    cost = models.DecimalField(_("估算费用（元）"), max_digits=14, decimal_places=2)
    raised_by = models.CharField(_("提出人（组）"), max_length=60, blank=True)
    raised_at = models.DateTimeField()
    votes = models.PositiveIntegerField(_("得票"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("排序"), null=True, blank=True)
    chosen = models.BooleanField(_("列入实施"), default=False)
    decision_note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["round", "rank", "pk"]
        verbose_name = _("村民需求")
        verbose_name_plural = _("村民需求")

    def __str__(self) -> str:
        return self.title


class ProcurementKind(models.TextChoices):
    QUOTE = "quote", _("询价/报价")
    CONTRACT = "contract", _("合同")


class Procurement(models.Model):
    """A quote or contract of 民建, disclosed on the village board with its document."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="procurements")
    kind = models.CharField(_("类型"), max_length=10, choices=ProcurementKind.choices)
    supplier = models.CharField(_("供应商/施工方"), max_length=120)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    document = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["need", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.supplier} {self.amount}"


class MaintenanceKind(models.TextChoices):
    ROUTINE = "routine", _("日常管护")
    REPAIR = "repair", _("维修")
    YEARLY_CHECK = "yearly_check", _("年度检查")


class MaintenanceEntry(models.Model):
    round = models.ForeignKey(SelfBuildRound, on_delete=models.CASCADE, related_name="maintenance")
    kind = models.CharField(_("类型"), max_length=20, choices=MaintenanceKind.choices)
    done_on = models.DateField(_("日期"))
    text = models.TextField(_("记录"))
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_on", "-pk"]

    def __str__(self) -> str:
        return self.text[:50]
