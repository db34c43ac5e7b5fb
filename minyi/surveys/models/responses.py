"""Respondent groups, invitations (participation) and responses (contents), kept apart for anonymity.

`Invitation` is the named respondent list of a group and its participation record (who responded).
`Response` and `Answer` hold contents. For an anonymous survey a response has no respondent, no
timestamp, no sequential id (random UUIDs) and no ordering; at closing its rows are rewritten in
random order under new ids, as secret ballots are (docs/ballots.md, docs/surveys.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Access(models.TextChoices):
    OPEN = "open", _("公开链接")
    INVITED = "invited", _("限定名单")


class RespondentGroup(models.Model):
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("名称"), max_length=100)
    # Relative weight in the overall result (they need not sum to 1), e.g. 居民代表 0.5.
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=3)
    access = models.CharField(_("答卷方式"), max_length=10, choices=Access.choices, default=Access.OPEN)
    # The response link /surveys/r/<token>/ and its QR code; random, unguessable.
    token = models.CharField(max_length=40, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("答卷群体")
        verbose_name_plural = _("答卷群体")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "name"], name="respondentgroup_survey_name")]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Deliberately no response time: it would line up with the order of anonymous responses.
    responded = models.BooleanField(_("已答卷"), default=False)

    class Meta:
        verbose_name = _("受邀答卷人")
        verbose_name_plural = _("受邀答卷人")
        constraints = [models.UniqueConstraint(fields=["group", "person"], name="invitation_group_person")]
        indexes = [models.Index(fields=["group", "responded"], name="invitation_group_responded")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.group_id}"


class Response(models.Model):
    # Random, not sequential: the id carries no order. Named responses only carry a time.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey("surveys.Survey", on_delete=models.CASCADE, related_name="responses")
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(  # named surveys only; always null for anonymous ones
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)  # named surveys only

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent"],
                name="response_survey_respondent",
                condition=models.Q(respondent__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    """One value of a response: a choice (one row per selected option; per row for a matrix),
    a rating (`value`) or a text."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("surveys.Question", on_delete=models.CASCADE, related_name="answers")
    row = models.CharField(max_length=30, blank=True)  # matrix row key
    choice = models.CharField(max_length=30, blank=True)  # option key
    value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)  # rating
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "choice"], name="answer_question_choice")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.choice or self.value or self.text[:20]}"


class DeviceGuard(models.Model):
    """Open links: one response per browser. Holds only a hash of a random cookie, never who it is."""

    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "key_hash"], name="deviceguard_group_key")]

    def __str__(self) -> str:
        return self.key_hash[:8]
