"""P4 — the effect evaluation of an elected livelihood project (项目效果评议).

One row per project: the survey that evaluates it (built by `minyi.surveys.effect`), when the project
was completed and when the evaluation fell due, the satisfaction result attached once the survey is
closed (a snapshot, so the assembly list is one query however many projects it shows), and when the
result was reported to the deputies' assembly.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EffectEvaluation(models.Model):
    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="effect_evaluation", verbose_name=_("项目")
    )
    survey = models.OneToOneField(
        "surveys.Survey", on_delete=models.PROTECT, related_name="+", verbose_name=_("评价问卷")
    )
    # The project's completion (handover): the last actual end of its delivery's milestones.
    completed_on = models.DateField(_("完工日期"))
    due_on = models.DateField(_("应评价日期"))
    started_at = models.DateTimeField(_("发起时间"))
    # None when the daily task started it on its due date.
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The result, attached when the survey is closed (see actions.do_attach_effect_result).
    attached_at = models.DateTimeField(_("结果汇总时间"), null=True, blank=True)
    responses = models.PositiveIntegerField(_("答卷数"), null=True, blank=True)
    satisfaction_rate = models.DecimalField(
        _("满意率（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    grade = models.CharField(_("评价等次"), max_length=12, blank=True)
    # {"satisfied": "62.50", "basic": "25.00", "unsatisfied": "12.50"}: weighted shares in %.
    shares = models.JSONField(default=dict, blank=True)
    # [{"name", "weight", "responses", "rate"}, …] per respondent group.
    groups = models.JSONField(default=list, blank=True)
    # Reported at the deputies' assembly (下一次代表大会).
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assembly = models.CharField(_("报告会议"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("项目效果评价")
        verbose_name_plural = _("项目效果评价")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.survey_id}"

    @property
    def is_attached(self) -> bool:
        return self.attached_at is not None

    @property
    def closes_on(self) -> dt.date | None:
        """The day the daily task closes the survey (`MINYI_EFFECT_SURVEY_DAYS` after it started)."""
        days = settings.MINYI_EFFECT_SURVEY_DAYS
        return timezone.localdate(self.started_at) + dt.timedelta(days=days) if days > 0 else None
