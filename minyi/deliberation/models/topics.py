"""D4 — a topic (议题) and its five steps 提议→商议→审议→决议→公示; the state lives in the process instance.

The step timestamps are kept here too so the per-step durations are one query per council and year.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minyi.core.subjects import RelationalPeople


class Area(models.TextChoices):
    """The eight areas of seed 000 under which topics are filed."""

    PARTY = "party", _("党政群团工作")
    SERVICES = "services", _("公共服务")
    ENVIRONMENT = "environment", _("环境秩序")
    DAILY_LIFE = "daily_life", _("日常生活")
    CULTURE = "culture", _("公共文化")
    SECURITY = "security", _("社会治安")
    COMMUNITY = "community", _("社区建设")
    INTEGRITY = "integrity", _("党风廉政建设")


class TopicSource(models.TextChoices):
    MEMBER = "member", _("议事代表提议")
    RESIDENT = "resident", _("居民提议")
    VOICE = "voice", _("民情事项转入")
    SURVEY = "survey", _("居民问卷征集")


class Topic(RelationalPeople, models.Model):
    RELATIONAL_FIELDS: ClassVar[dict[str, str]] = {"assignee": "responsible"}

    council = models.ForeignKey("deliberation.Council", on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("议题"), max_length=100)
    description = models.TextField(_("内容"))
    area = models.CharField(_("所属方面"), max_length=20, choices=Area.choices)
    source = models.CharField(_("来源"), max_length=10, choices=TopicSource.choices)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提议人"),
    )
    voice = models.ForeignKey(
        "voices.Voice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="topics",
        verbose_name=_("来源民情事项"),
    )
    # 商议: an invalid topic's reason is published.
    invalid_reason = models.TextField(_("不予采纳理由"), blank=True)
    # 审议: the implementation plan adopted by the representatives' assembly.
    feasibility = models.TextField(_("可行性意见"), blank=True)
    plan = models.TextField(_("实施方案"), blank=True)
    budget = models.DecimalField(_("经费（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    staffing = models.CharField(_("人员保障"), max_length=300, blank=True)
    plan_starts_on = models.DateField(_("计划开始"), null=True, blank=True)
    plan_ends_on = models.DateField(_("计划完成"), null=True, blank=True)
    # 审议 by vote (Council.assembly_vote): the plan put to the assembly and its poll; adopted if passed.
    proposed_plan = models.JSONField(default=dict, blank=True)
    review_poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # 决议
    poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任人"),
    )
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    result = models.TextField(_("表决结果"), blank=True)
    # 公示: the feedback reported at the feedback meeting.
    feedback = models.TextField(_("办理反馈"), blank=True)
    feedback_meeting = models.ForeignKey(
        "deliberation.Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    proposed_at = models.DateTimeField(_("提议时间"), db_index=True)
    consulted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-proposed_at"]
        indexes = [models.Index(fields=["council", "proposed_at"], name="topic_council_proposed")]

    def __str__(self) -> str:
        return self.title


class Progress(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="progress")
    text = models.TextField(_("办理进展"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Supervision(models.Model):
    """A member has put the topic under supervision (督办权): they follow its progress."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supervisions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "person"], name="supervision_once")]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.person_id}"


class SurveySource(models.Model):
    """A questionnaire answer turned into a topic (提议 from residents through questionnaires).

    One row per answer: an answer becomes at most one topic (the one-to-one), several similar answers
    may be merged into one topic. Answers are taken only from closed surveys, whose responses are final
    and (anonymous surveys) already reshuffled, so `number` — the answer's position on the council's
    answers page (第N份答卷) — never changes. No respondent is stored here.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="survey_sources")
    survey = models.ForeignKey("surveys.Survey", on_delete=models.PROTECT, related_name="+")
    response = models.OneToOneField("surveys.Response", on_delete=models.PROTECT, related_name="topic_source")
    number = models.PositiveIntegerField(_("答卷序号"))

    class Meta:
        verbose_name = _("议题问卷来源")
        verbose_name_plural = _("议题问卷来源")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.survey_id}#{self.number}"
