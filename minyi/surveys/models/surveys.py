"""A questionnaire: sections, ordered questions, and its lifecycle draft → open → closed → published."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("答卷中")
    CLOSED = "closed", _("已截止")
    PUBLISHED = "published", _("已公布")


class Anonymity(models.TextChoices):
    ANONYMOUS = "anonymous", _("匿名")
    NAMED = "named", _("实名")


class Kind(models.TextChoices):
    GENERAL = "general", _("问卷调查")
    EFFECT = "effect", _("项目效果评价")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    RATING5 = "rating5", _("评分（1–5）")
    RATING100 = "rating100", _("评分（0–100）")
    MATRIX = "matrix", _("矩阵")
    TEXT = "text", _("填空")


class Survey(models.Model):
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="surveys", verbose_name=_("单位")
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.GENERAL)
    anonymity = models.CharField(_("记名方式"), max_length=10, choices=Anonymity.choices)
    state = models.CharField(_("状态"), max_length=10, choices=SurveyState.choices, default=SurveyState.DRAFT)
    # What the survey evaluates, e.g. ("projects.project", "7"); free text so any app can attach one.
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)
    # A scheduled opening (effect evaluations open after a period of use); the daily task opens it.
    open_at = models.DateField(_("计划开始日期"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Fixed at closing.
    responses_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        indexes = [
            models.Index(fields=["unit", "state"], name="survey_unit_state"),
            models.Index(fields=["subject_type", "subject_id"], name="survey_subject"),
            models.Index(fields=["state", "open_at"], name="survey_state_open_at"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_anonymous(self) -> bool:
        return self.anonymity == Anonymity.ANONYMOUS


class Section(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("标题"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="questions"
    )
    key = models.CharField(max_length=30)  # stable within the survey, used in answers, exports and the API
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=500)
    help_text = models.CharField(_("提示"), max_length=300, blank=True)
    required = models.BooleanField(_("必答"), default=True)
    # [[key, label], …]: the choices of single/multiple, the scale columns of a matrix.
    options = models.JSONField(default=list, blank=True)
    # [[key, label], …]: a matrix's rows.
    rows = models.JSONField(default=list, blank=True)
    min_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    # Option keys that count as "satisfied" in a satisfaction rate (e.g. 满意, 基本满意).
    satisfied_keys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="question_survey_key")]

    def __str__(self) -> str:
        return self.text

    @property
    def option_labels(self) -> dict[str, str]:
        return {key: label for key, label in self.options}

    @property
    def row_labels(self) -> dict[str, str]:
        return {key: label for key, label in self.rows}

    @property
    def is_rating(self) -> bool:
        return self.kind in (QuestionKind.RATING5, QuestionKind.RATING100)

    def scale(self) -> tuple[int, int]:
        return (1, 5) if self.kind == QuestionKind.RATING5 else (0, 100)

    def scale_values(self) -> list[int]:
        low, high = self.scale()
        return list(range(low, high + 1))

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "text": self.text}
