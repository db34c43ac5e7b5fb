"""A poll: one vote of any kind, with its lifecycle created → open → closed → published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    YES_NO = "yes_no", _("赞成/反对/弃权")
    CHOOSE = "choose", _("差额票决（k选n）")
    SCORE = "score", _("现场测评打分")


class Secrecy(models.TextChoices):
    NAMED = "named", _("记名")
    SECRET = "secret", _("无记名")


class Counting(models.TextChoices):
    ELECTRONIC = "electronic", _("电子投票")
    PAPER = "paper", _("纸质选票（现场计票）")


class PollState(models.TextChoices):
    CREATED = "created", _("已创建")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已截止")
    PUBLISHED = "published", _("已公布")


class Poll(models.Model):
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="polls", verbose_name=_("单位")
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    method = models.CharField(_("表决方式"), max_length=10, choices=Method.choices)
    secrecy = models.CharField(_("记名方式"), max_length=10, choices=Secrecy.choices)
    counting = models.CharField(
        _("计票方式"), max_length=12, choices=Counting.choices, default=Counting.ELECTRONIC
    )
    state = models.CharField(_("状态"), max_length=10, choices=PollState.choices, default=PollState.CREATED)
    # The counting rule as validated JSON (minyi.ballots.schemas.*RuleInput); see docs/ballots.md.
    rule = models.JSONField(_("计票规则"), default=dict)
    # Who may vote: holders of these roles on the poll's unit or inside it, unless a list is given at opening.
    electorate_roles = models.JSONField(_("投票人角色"), default=list, blank=True)
    # Quorum as {"numerator", "denominator", "strict"} of the electorate present, or null for none.
    quorum = models.JSONField(_("法定人数"), null=True, blank=True)
    show_live = models.BooleanField(_("实时显示结果"), default=False)
    # What the poll decides, e.g. ("deliberation.topic", "12"); free text so any app can attach a poll.
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)

    # Fixed at opening.
    electorate_size = models.PositiveIntegerField(null=True, blank=True)
    present_size = models.PositiveIntegerField(null=True, blank=True)
    # Fixed at closing.
    participants = models.PositiveIntegerField(null=True, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        indexes = [
            models.Index(fields=["unit", "state"], name="poll_unit_state"),
            models.Index(fields=["subject_type", "subject_id"], name="poll_subject"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_secret(self) -> bool:
        return self.secrecy == Secrecy.SECRET


class PollOption(models.Model):
    """A candidate of a competitive vote or a subject rated in a scoring poll (yes/no polls have none)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(max_length=20)  # stable within the poll, used in ballots and results
    label = models.CharField(_("名称"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["position", "key"]
        constraints = [models.UniqueConstraint(fields=["poll", "key"], name="polloption_poll_key")]

    def __str__(self) -> str:
        return self.label
