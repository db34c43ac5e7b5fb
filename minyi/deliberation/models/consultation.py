"""D5 — consultation plans (协商计划) by channel and form, hearings (听证会) and the adviser pool.

Seed 000 (昆明市协商民主体系): five channels (政党、人大、政府、政协、基层协商) and forms such as 会议协商、约谈协商、
书面协商、座谈协商、专题协商、调研协商; 重大决策听证; 决策咨询专家库 and 法律顾问 consulted on major decisions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationChannel(models.TextChoices):
    PARTY = "party", _("政党协商")
    CONGRESS = "congress", _("人大协商")
    GOVERNMENT = "government", _("政府协商")
    CPPCC = "cppcc", _("政协协商")
    GRASSROOTS = "grassroots", _("基层协商")


class ConsultationForm(models.TextChoices):
    MEETING = "meeting", _("会议协商")
    INTERVIEW = "interview", _("约谈协商")
    WRITTEN = "written", _("书面协商")
    SYMPOSIUM = "symposium", _("座谈协商")
    SPECIAL = "special", _("专题协商")
    RESEARCH = "research", _("调研协商")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    HELD = "held", _("已开展")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已取消")


class ConsultationPlan(models.Model):
    """An annual plan (年度协商计划) of a unit; public once published."""

    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("制定单位")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("协商计划")
        verbose_name_plural = _("协商计划")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "title"], name="consultplan_unit_year_title")
        ]

    def __str__(self) -> str:
        return self.title


class ConsultationItem(models.Model):
    plan = models.ForeignKey(ConsultationPlan, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(_("协商事项"), max_length=200)
    channel = models.CharField(_("协商渠道"), max_length=12, choices=ConsultationChannel.choices)
    form = models.CharField(_("协商形式"), max_length=12, choices=ConsultationForm.choices)
    organiser = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头单位")
    )
    participants = models.TextField(_("参加对象"), blank=True)
    starts_on = models.DateField(_("计划开始"))
    ends_on = models.DateField(_("计划完成"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.PLANNED
    )
    outcome = models.TextField(_("协商成果"), blank=True)

    class Meta:
        verbose_name = _("协商事项")
        verbose_name_plural = _("协商事项")
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.title


class AdviserKind(models.TextChoices):
    EXPERT = "expert", _("决策咨询专家")
    LEGAL = "legal", _("法律顾问")


class Adviser(models.Model):
    """A member of a unit's pool of experts and legal advisers (专家库、法律顾问)."""

    pool_unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属专家库单位")
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=AdviserKind.choices)
    field = models.CharField(_("专业领域"), max_length=100)
    title = models.CharField(_("职称职务"), max_length=100, blank=True)
    organisation = models.CharField(_("工作单位"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在库"), default=True)

    class Meta:
        verbose_name = _("专家（法律顾问）")
        verbose_name_plural = _("专家（法律顾问）")
        constraints = [models.UniqueConstraint(fields=["pool_unit", "person"], name="adviser_pool_person")]

    def __str__(self) -> str:
        return f"{self.person} ({self.field})"


class AdviserInvitation(models.Model):
    item = models.ForeignKey(ConsultationItem, on_delete=models.CASCADE, related_name="invitations")
    adviser = models.ForeignKey(Adviser, on_delete=models.PROTECT, related_name="invitations")
    invited_at = models.DateTimeField()
    opinion = models.TextField(_("咨询意见"), blank=True)
    opinion_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "adviser"], name="invitation_item_adviser")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.adviser_id}"


class HearingState(models.TextChoices):
    REGISTRATION = "registration", _("报名中")
    SELECTED = "selected", _("已确定陈述人")
    HELD = "held", _("已举行")
    PUBLISHED = "published", _("已公布结果")


class Hearing(models.Model):
    """听证会 on a major decision: speakers apply, are selected, state opinions; the decision answers each."""

    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    item = models.ForeignKey(
        ConsultationItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="hearings"
    )
    title = models.CharField(_("听证事项"), max_length=200)
    matter = models.TextField(_("拟决策内容"))
    held_at = models.DateTimeField(_("举行时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    apply_until = models.DateField(_("报名截止"))
    seats = models.PositiveSmallIntegerField(_("陈述人名额"))
    state = models.CharField(
        _("状态"), max_length=12, choices=HearingState.choices, default=HearingState.REGISTRATION
    )
    decision = models.TextField(_("决策结果"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("听证会")
        verbose_name_plural = _("听证会")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.title


class SpeakerState(models.TextChoices):
    APPLIED = "applied", _("已报名")
    SELECTED = "selected", _("已选定")
    NOT_SELECTED = "not_selected", _("未选定")


class SpeakerApplication(models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="applications")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stance = models.TextField(_("主要观点"))
    state = models.CharField(
        _("状态"), max_length=12, choices=SpeakerState.choices, default=SpeakerState.APPLIED
    )
    applied_at = models.DateTimeField()

    class Meta:
        ordering = ["applied_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["hearing", "person"], name="speaker_once")]

    def __str__(self) -> str:
        return f"{self.hearing_id}: {self.person_id}"


class Response(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")


class HearingOpinion(models.Model):
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="opinions")
    speaker = models.ForeignKey(SpeakerApplication, on_delete=models.PROTECT, related_name="opinions")
    text = models.TextField(_("陈述意见"))
    response = models.CharField(_("采纳情况"), max_length=12, choices=Response.choices, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]
