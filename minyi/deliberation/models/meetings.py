"""D3 — council meetings: regular and extraordinary, agenda, sign-in, observers, minutes and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("例会")
    EXTRAORDINARY = "extraordinary", _("临时会议")
    FEEDBACK = "feedback", _("议案办理反馈会")


class MeetingState(models.TextChoices):
    PLANNED = "planned", _("待召开")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class SignInMethod(models.TextChoices):
    STAFF = "staff", _("工作人员登记")
    QR = "qr", _("扫码签到")


class ObserverState(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("未同意")


class Meeting(models.Model):
    council = models.ForeignKey("deliberation.Council", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("会议类型"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    starts_at = models.DateTimeField(_("召开时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=MeetingState.choices, default=MeetingState.PLANNED
    )
    # Members counted for the quorum, fixed when the meeting opens (members may join or leave later).
    member_count = models.PositiveIntegerField(null=True, blank=True)
    minutes = models.TextField(_("会议纪要"), blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("议事会议")
        verbose_name_plural = _("议事会议")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["council", "starts_at"], name="meeting_council_starts")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    topic = models.ForeignKey("deliberation.Topic", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "topic"], name="agenda_meeting_topic")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.topic_id}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("签到方式"), max_length=10, choices=SignInMethod.choices)
    signed_at = models.DateTimeField(_("签到时间"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id}"


class ObserverRequest(models.Model):
    """列席: anyone may ask to attend; the community's staff approve."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="observer_requests")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("申请理由"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ObserverState.choices, default=ObserverState.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="observer_once")]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.person_id} ({self.state})"


class Decision(models.Model):
    """A line of the minutes: what the meeting decided, linked to the topic and poll it concerns."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    topic = models.ForeignKey(
        "deliberation.Topic", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("决定事项"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:50]
