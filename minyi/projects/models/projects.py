"""A livelihood project (民生实事项目) from recommendation (P1) to the vote (P2).

Delivery, self-build and fund records point here from their own packages; this model holds only what
the four-party recommendation and the vote need.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minyi.core.subjects import RelationalPeople


class ProjectSource(models.TextChoices):
    RESIDENT = "resident", _("群众推荐")
    STATION = "station", _("联络站推荐")
    VOICE = "voice", _("民情事项转入")
    DEPUTY = "deputy", _("代表推荐")


class ProjectCategory(models.TextChoices):
    ROADS = "roads", _("道路交通")
    WATER = "water", _("供水排水")
    EDUCATION = "education", _("教育")
    HEALTH = "health", _("医疗卫生")
    ELDERLY = "elderly", _("养老托幼")
    CULTURE = "culture", _("文化体育")
    ENVIRONMENT = "environment", _("环境整治")
    SAFETY = "safety", _("公共安全")
    OTHER = "other", _("其他")


class ProjectStatus(models.TextChoices):
    RECOMMENDED = "recommended", _("已推荐")
    SCREENED_IN = "screened_in", _("筛选通过")
    SCREENED_OUT = "screened_out", _("未通过筛选")
    SHORTLISTED = "shortlisted", _("列入候选")
    ELECTED = "elected", _("票决当选")
    NOT_ELECTED = "not_elected", _("未当选")
    WITHDRAWN = "withdrawn", _("已撤回")


class Project(RelationalPeople, models.Model):
    RELATIONAL_FIELDS: ClassVar[dict[str, str]] = {"submitter": "proposer"}

    round = models.ForeignKey(
        "projects.Round",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("票决轮次"),
    )
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="projects", verbose_name=_("所在单位")
    )
    title = models.CharField(_("项目名称"), max_length=120)
    description = models.TextField(_("项目内容"))
    place = models.CharField(_("实施地点"), max_length=200, blank=True)
    cost = models.DecimalField(_("估算费用（元）"), max_digits=14, decimal_places=2)
    beneficiaries = models.PositiveIntegerField(_("受益人数"), null=True, blank=True)
    category = models.CharField(
        _("类别"), max_length=20, choices=ProjectCategory.choices, default=ProjectCategory.OTHER
    )
    source = models.CharField(_("来源"), max_length=10, choices=ProjectSource.choices)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("推荐人"),
    )
    voice = models.ForeignKey(
        "voices.Voice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("来源民情事项"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.RECOMMENDED
    )
    screening_reason = models.TextField(_("筛选意见"), blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    # Set by pabulib import: the project id in the .pb file (kept so an export round-trips).
    external_id = models.CharField(max_length=40, blank=True)
    votes = models.PositiveIntegerField(_("得票"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("推荐时间"), db_index=True)
    elected_at = models.DateTimeField(_("当选时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("民生实事项目")
        verbose_name_plural = _("民生实事项目")
        ordering = ["-recommended_at", "-pk"]
        indexes = [models.Index(fields=["round", "status"], name="project_round_status")]

    def __str__(self) -> str:
        return self.title


class Recommender(models.Model):
    """A resident who joins an existing recommendation (附议) — the support count shown to screeners."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="recommenders")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="project_recommender_once")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.person_id}"


class OpinionStance(models.TextChoices):
    SUPPORT = "support", _("支持")
    CONDITIONAL = "conditional", _("有条件支持")
    OPPOSE = "oppose", _("不支持")


class DepartmentOpinion(models.Model):
    """The township's record of one department's opinion on one project (征求部门意见)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="opinions")
    department = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    stance = models.CharField(_("意见"), max_length=12, choices=OpinionStance.choices)
    text = models.TextField(_("意见内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "department"], name="project_department_opinion_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.department_id}"
