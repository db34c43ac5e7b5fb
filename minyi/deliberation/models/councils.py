"""D1/D2 — a council (居民议事厅, 坝坝会, 协商议事会) on a unit, its terms, members and their recommendation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilKind(models.TextChoices):
    HALL = "hall", _("居民议事厅")
    COURTYARD = "courtyard", _("坝坝会")
    CONSULTATION = "consultation", _("协商议事会")


class MemberType(models.TextChoices):
    RESIDENT = "resident", _("居民代表")
    PARTY = "party", _("党代表")
    DEPUTY = "deputy", _("人大代表")
    CPPCC = "cppcc", _("政协委员")
    PUBLIC_UNIT = "public_unit", _("公共单位及物业代表")
    SOCIAL_ORG = "social_org", _("社会组织代表")
    GOVERNANCE = "governance", _("“五级治理”理事会成员")


class RecommendationMethod(models.TextChoices):
    MEETING = "meeting", _("居民会议推选")
    REPRESENTATIVES = "representatives", _("居民代表会议推选")
    HOUSEHOLDS = "households", _("户代表推选")
    ORGANISATION = "organisation", _("所在单位（组织）推荐")
    POLL = "poll", _("平台投票")


class Council(models.Model):
    # A unit of kind "council" under the community, or the community itself (seed 000: 金沙社区).
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="councils", verbose_name=_("所属单位")
    )
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=CouncilKind.choices, default=CouncilKind.HALL)
    is_active = models.BooleanField(_("启用"), default=True)
    # Seed 000: the 决议 vote is the "五级治理" council's; when set only governance members vote on topics.
    governance_vote = models.BooleanField(_("决议由“五级治理”理事会成员表决"), default=False)
    # 审议 by vote: the representatives' assembly (the council's members at a meeting) adopts the plan
    # through a ballots poll instead of the staff recording its decision.
    assembly_vote = models.BooleanField(_("审议由居民代表大会投票通过"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        verbose_name = _("届期")
        verbose_name_plural = _("届期")
        ordering = ["council", "-number"]
        constraints = [models.UniqueConstraint(fields=["council", "number"], name="term_council_number")]

    def __str__(self) -> str:
        return f"{self.council} #{self.number}"


class Recommendation(models.Model):
    """The democratic recommendation (民主推选) that chose a term's members: when, how, how many voted."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="recommendations")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="recommendations")
    held_on = models.DateField(_("推选日期"))
    method = models.CharField(_("推选方式"), max_length=20, choices=RecommendationMethod.choices)
    voters = models.PositiveIntegerField(_("参加推选人数"))
    poll = models.ForeignKey(
        "ballots.Poll",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("表决"),
    )
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("民主推选")
        verbose_name_plural = _("民主推选")

    def __str__(self) -> str:
        return f"{self.council} {self.held_on}"


class Membership(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_memberships"
    )
    member_type = models.CharField(_("代表类别"), max_length=20, choices=MemberType.choices)
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("届期")
    )
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    votes = models.PositiveIntegerField(_("得票数"), null=True, blank=True)
    joined_on = models.DateField(_("任职日期"))
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("议事代表")
        verbose_name_plural = _("议事代表")
        indexes = [models.Index(fields=["person", "is_active"], name="membership_person_active")]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "person"], condition=models.Q(is_active=True), name="membership_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.council}"
