"""V1 — a voice (民情事项): one record from registration to feedback, whatever the channel."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minyi.core.subjects import RelationalPeople


class VoiceKind(models.TextChoices):
    REQUEST = "request", _("诉求")
    SUGGESTION = "suggestion", _("意见建议")
    COMPLAINT = "complaint", _("投诉")
    CONSULTATION = "consultation", _("咨询")
    DEPUTY_SUGGESTION = "deputy_suggestion", _("代表建议")
    CPPCC_PROPOSAL = "cppcc_proposal", _("政协提案")


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("已解决（落实）")
    ANSWERED = "answered", _("已答复（解释说明）")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Voice(RelationalPeople, models.Model):
    RELATIONAL_FIELDS: ClassVar[dict[str, str]] = {"submitter": "submitter"}

    tracking_code = models.CharField(_("受理编号"), max_length=20, unique=True)  # MY-2026-000123
    # A hash of the code given to an anonymous submitter to follow the item (never stored in clear).
    verification_hash = models.CharField(max_length=64, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=VoiceKind.choices, default=VoiceKind.REQUEST)
    category = models.ForeignKey(
        "voices.Category", on_delete=models.PROTECT, related_name="voices", verbose_name=_("类别")
    )
    channel = models.ForeignKey(
        "core.Channel", on_delete=models.PROTECT, related_name="+", verbose_name=_("受理渠道")
    )
    # Where the matter is (the community or township it concerns); the process instance's unit is
    # where it is being handled now.
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="voices", verbose_name=_("所属区域")
    )
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("内容"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="voices",
        verbose_name=_("提交人"),
    )
    # The original contact: private to handlers of the item, masked everywhere public.
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    wants_public = models.BooleanField(_("同意公开"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    lead_department = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_voices",
        verbose_name=_("牵头单位"),
    )
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    resolution = models.CharField(_("办理结果"), max_length=10, choices=Resolution.choices, blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    feedback_comment = models.TextField(_("评价意见"), blank=True)
    feedback_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("重复于"),
    )
    # The item's `voice` process instance, set by the intake as the process starts and never changed
    # (escalation, assignment, return, reopen and merge move that one instance). Its unit, state and
    # deadline are where and how the item is handled now: the inbox and the visibility filter join it
    # by this key instead of matching (subject_type, subject_id) per row.
    instance = models.OneToOneField(
        "core.ProcessInstance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("办理流程"),
    )
    is_supervised = models.BooleanField(_("督办中"), default=False)
    is_published = models.BooleanField(_("已公示"), default=False)

    # Replays of one create request (API retries, re-imported files) find the first item instead.
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    external_ref = models.CharField(_("外部编号"), max_length=120, unique=True, null=True, blank=True)

    created_at = models.DateTimeField(_("登记时间"), db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("民情事项")
        verbose_name_plural = _("民情事项")
        indexes = [
            models.Index(fields=["unit", "created_at"], name="voice_unit_created"),
            models.Index(fields=["category", "created_at"], name="voice_category_created"),
            models.Index(fields=["lead_department", "created_at"], name="voice_dept_created"),
            models.Index(fields=["is_published", "created_at"], name="voice_published"),
            # The publicity board and the showcase, newest first: partial indexes, because Django writes
            # `is_published=True` as the bare column, which SQLite matches to a partial index's
            # condition but not to the leading column of `voice_published`.
            models.Index(
                fields=["created_at"],
                condition=models.Q(is_published=True, wants_public=True),
                name="voice_board",
            ),
            models.Index(
                fields=["closed_at"],
                condition=models.Q(is_published=True, resolution="resolved", satisfaction="satisfied"),
                name="voice_showcase",
            ),
            # The inbox's open items by area or lead department (`queries.OPEN`): every action that
            # ends the handling sets `closed_at`, so these hold the few not yet closed.
            models.Index(fields=["unit"], condition=models.Q(closed_at__isnull=True), name="voice_open_unit"),
            models.Index(
                fields=["lead_department"], condition=models.Q(closed_at__isnull=True), name="voice_open_dept"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"


class TrackingCounter(models.Model):
    """The last tracking number issued in a year; its row is locked while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
