"""V5 — deputies' suggestions (代表建议) and committee proposals (政协提案).

The matter itself is a `Voice` (kind deputy_suggestion / cppcc_proposal); what only a suggestion has
lives here: its number in the session, the proposer's mandate, co-signers, and the face-to-face
consultations (面商) the handling department held with the proposer before replying.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionArea(models.TextChoices):
    ECONOMY = "economy", _("经济发展")
    URBAN = "urban", _("城乡建设与管理")
    AGRICULTURE = "agriculture", _("农业农村")
    SOCIAL = "social", _("教科文卫")
    WELFARE = "welfare", _("社会保障与民生")
    ENVIRONMENT = "environment", _("生态环境")
    GOVERNANCE = "governance", _("法治与政务")
    OTHER = "other", _("其他")


class SuggestionCounter(models.Model):
    """The last number issued for a body in one session (建议第N号 / 提案第N号); locked while taken."""

    body = models.CharField(max_length=10)
    term = models.CharField(max_length=40)
    session = models.CharField(max_length=40)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["body", "term", "session"], name="one_suggestion_counter_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.term}{self.session}: {self.last}"


class SuggestionDetails(models.Model):
    voice = models.OneToOneField(
        "voices.Voice", on_delete=models.CASCADE, related_name="suggestion", verbose_name=_("民情事项")
    )
    body = models.CharField(_("类型"), max_length=10)  # DeputyBody: npc or cppcc
    number = models.PositiveIntegerField(_("编号"))
    term = models.CharField(_("届次"), max_length=40)  # 第十八届
    session = models.CharField(_("会议"), max_length=40)  # 第三次会议 (or 闭会期间)
    area = models.CharField(_("建议类别"), max_length=20, choices=SuggestionArea.choices)
    # Null only for a proposer known by role (deputy / cppcc_member) whose mandate was not entered.
    proposer_record = models.ForeignKey(
        "core.DeputyRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("领衔代表（委员）"),
    )
    # The office that dispatches it (the district for district-level deputies); returns go back here.
    dispatch_unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("交办机关")
    )
    co_signers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cosigned_suggestions", verbose_name=_("附议人")
    )
    # The proposer asks for the matter to be carried out (落实), not merely explained: an "answered"
    # reply to such a suggestion may be followed up (跟踪落实).
    expects_implementation = models.BooleanField(_("要求落实"), default=True)
    # Why the department replied without meeting the proposer; such replies count against 面商率.
    no_consultation_reason = models.TextField(_("未面商原因"), blank=True)
    follow_up_count = models.PositiveSmallIntegerField(_("跟踪次数"), default=0)
    filed_at = models.DateTimeField(_("提出时间"))

    class Meta:
        verbose_name = _("代表建议（政协提案）")
        verbose_name_plural = _("代表建议（政协提案）")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "term", "session", "number"], name="one_suggestion_number"
            )
        ]

    def __str__(self) -> str:
        return self.number_label

    @property
    def number_label(self) -> str:
        if self.body == "cppcc":
            return str(_("提案第%(n)d号") % {"n": self.number})
        return str(_("建议第%(n)d号") % {"n": self.number})


class FaceToFaceConsultation(models.Model):
    """面商: the handling department met the proposer (or tried to) before replying."""

    voice = models.ForeignKey("voices.Voice", on_delete=models.CASCADE, related_name="consultations")
    department = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("承办单位")
    )
    held_at = models.DateTimeField(_("面商时间"))
    place = models.CharField(_("面商地点"), max_length=200)
    department_attendees = models.CharField(_("承办单位参加人员"), max_length=300)
    proposer_present = models.BooleanField(_("代表（委员）本人参加"), default=True)
    notes = models.TextField(_("面商情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_at", "id"]
        verbose_name = _("面商记录")
        verbose_name_plural = _("面商记录")
        indexes = [models.Index(fields=["voice", "held_at"], name="consultation_voice_held")]

    def __str__(self) -> str:
        return f"{self.voice_id} 面商 {self.held_at:%Y-%m-%d}"
