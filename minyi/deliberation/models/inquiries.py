"""D6 — 代表问政会 and 专题询问 (questions, answers from named officials, follow-up), 专项评议 (on-site scoring).

Seed 003 (邕宁): 开好代表问政会、专题询问会、专项评议会，现场测评“打分”; scores by rater groups with
weights and their own forms, announced on the spot, graded 满意/基本满意/不满意.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    QA = "qa", _("代表问政会")
    INQUIRY = "inquiry", _("专题询问")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("待举行")
    HELD = "held", _("已举行")
    PUBLISHED = "published", _("已公开")


class InquirySession(models.Model):
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=SessionKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    subject = models.TextField(_("问政（询问）主题"))
    held_at = models.DateTimeField(_("举行时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=SessionState.choices, default=SessionState.PLANNED
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("问政会（专题询问）")
        verbose_name_plural = _("问政会（专题询问）")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    session = models.ForeignKey(InquirySession, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asker_role = models.CharField(_("提问人身份"), max_length=20)  # deputy | cppcc_member
    text = models.TextField(_("问题"))
    asked_at = models.DateTimeField()

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    office = models.CharField(_("职务"), max_length=120)
    office_unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在单位")
    )
    text = models.TextField(_("答复"))
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["answered_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]


class FollowUpState(models.TextChoices):
    OPEN = "open", _("办理中")
    DONE = "done", _("已办结")


class FollowUp(models.Model):
    """A commitment made in answer: either a voice (民情事项, handled by its process) or a tracked item."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.TextField(_("跟踪事项"))
    voice = models.ForeignKey(
        "voices.Voice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任单位"),
    )
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=FollowUpState.choices, default=FollowUpState.OPEN
    )
    result = models.TextField(_("办理结果"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:50]


class AppraisalState(models.TextChoices):
    PREPARING = "preparing", _("筹备中")
    SCORING = "scoring", _("现场测评中")
    ANNOUNCED = "announced", _("已当场宣布")


class Appraisal(models.Model):
    """专项工作评议: departments appraised by rater groups, scored on the spot through a ballots SCORE poll."""

    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("组织单位")
    )
    title = models.CharField(_("评议名称"), max_length=200)
    work = models.TextField(_("评议的专项工作"))
    held_at = models.DateTimeField(_("评议会时间"))
    departments = models.ManyToManyField("core.Unit", related_name="+", verbose_name=_("被评议部门"))
    # Rater groups with weight and scoring form, as minyi.ballots.schemas.RaterGroupInput JSON.
    groups = models.JSONField(_("测评组"), default=list)
    poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=AppraisalState.choices, default=AppraisalState.PREPARING
    )

    class Meta:
        verbose_name = _("专项工作评议")
        verbose_name_plural = _("专项工作评议")
        ordering = ["-held_at"]

    def __str__(self) -> str:
        return self.title


class AppraisalRater(models.Model):
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="raters")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    group = models.CharField(_("测评组"), max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["appraisal", "person"], name="appraisal_rater_once")]

    def __str__(self) -> str:
        return f"{self.appraisal_id}: {self.person_id} ({self.group})"
