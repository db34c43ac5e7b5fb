"""P6 — the special fund for deputies' suggestions (代表建议办理专项资金, seed 003 武鸣区: 740万元, 32 items).

Suggestions (voices of kind deputy_suggestion) become candidate items after a township group's on-site
verification; screening scores the principles with configured weights; the chair meeting (主任会议)
chooses within the fund's total; chosen items are built as `Delivery` records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Fund(models.Model):
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="suggestion_funds", verbose_name=_("区（县）")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    total = models.DecimalField(_("资金总额（元）"), max_digits=14, decimal_places=2)
    decided_at = models.DateTimeField(_("主任会议决定时间"), null=True, blank=True)
    decision_note = models.TextField(_("主任会议纪要"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("代表建议办理专项资金")
        verbose_name_plural = _("代表建议办理专项资金")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="one_suggestion_fund_a_year")]

    def __str__(self) -> str:
        return self.title


class FundItemStatus(models.TextChoices):
    CANDIDATE = "candidate", _("已实地核查")
    SCREENED = "screened", _("已筛选评分")
    CHOSEN = "chosen", _("主任会议确定办理")
    NOT_CHOSEN = "not_chosen", _("未列入")


class FundItem(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="items")
    voice = models.ForeignKey(
        "voices.Voice", on_delete=models.PROTECT, related_name="fund_items", verbose_name=_("代表建议")
    )
    township = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇")
    )
    title = models.CharField(_("项目名称"), max_length=120)
    cost = models.DecimalField(_("建设预算（元）"), max_digits=14, decimal_places=2)
    # On-site verification (实地调查核实) by the township's group.
    verification_group = models.CharField(_("核查组"), max_length=200)
    verified_on = models.DateField(_("核查日期"))
    verification = models.TextField(_("核查意见（必要性、紧迫性、可行性）"))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Screening: one score 0–100 per principle; `score` is their weighted mean (settings weights).
    livelihood = models.PositiveSmallIntegerField(_("先生活后生产"), null=True, blank=True)
    within_year = models.PositiveSmallIntegerField(_("年内可以完成"), null=True, blank=True)
    fairness = models.PositiveSmallIntegerField(_("各镇兼顾"), null=True, blank=True)
    score = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    screening_note = models.CharField(_("筛选意见"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=FundItemStatus.choices, default=FundItemStatus.CANDIDATE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "-score", "pk"]
        verbose_name = _("专项资金项目")
        verbose_name_plural = _("专项资金项目")
        constraints = [models.UniqueConstraint(fields=["fund", "voice"], name="fund_item_once_per_voice")]

    def __str__(self) -> str:
        return self.title
