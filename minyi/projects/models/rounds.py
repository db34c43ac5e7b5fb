"""A yearly round (年度民生实事项目票决) of one township or district.

The round's phase is mirrored here (`state`) so lists and the public page need no join on the process
instance; the process engine (process `projects.round`) is what moves it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundState(models.TextChoices):
    COLLECTING = "collecting", _("征集推荐")
    SCREENING = "screening", _("联络站筛选")
    CONSULTING = "consulting", _("征求部门意见")
    SHORTLISTED = "shortlisted", _("确定候选名单")
    VOTING = "voting", _("代表票决")
    RUNOFF = "runoff", _("第二轮票决")
    PUBLISHED = "published", _("结果公布")
    CANCELLED = "cancelled", _("已撤销")


class SelectionRule(models.TextChoices):
    """How elected projects are chosen from the counts."""

    SEATS = "seats", _("差额票决（按名额）")
    GREEDY = "greedy", _("预算内按得票排序（贪心）")
    MES = "mes", _("等额份额法（MES）")


class Completion(models.TextChoices):
    """What follows the Method of Equal Shares when it leaves budget unspent."""

    ADD1 = "add1", _("逐步增加每人份额（add1）")
    ADD1_GREEDY = "add1_greedy", _("逐步增加份额后按得票补足")
    GREEDY = "greedy", _("按得票补足剩余预算")
    NONE = "none", _("不补足")


class TieRule(models.TextChoices):
    RUNOFF = "runoff", _("并列者进行第二轮票决")
    LEAVE_OPEN = "leave_open", _("名额空缺")


class Round(models.Model):
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="project_rounds", verbose_name=_("乡镇（区）")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120)
    budget = models.DecimalField(_("预算（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("项目名额"))
    state = models.CharField(
        _("阶段"), max_length=20, choices=RoundState.choices, default=RoundState.COLLECTING
    )
    # Rule settings (P2).
    selection_rule = models.CharField(
        _("产生办法"), max_length=10, choices=SelectionRule.choices, default=SelectionRule.SEATS
    )
    # The vote threshold as in ballots: numerator/denominator of the base, strict = "more than".
    threshold_numerator = models.PositiveSmallIntegerField(_("通过比例分子"), default=1)
    threshold_denominator = models.PositiveSmallIntegerField(_("通过比例分母"), default=2)
    threshold_strict = models.BooleanField(_("须超过该比例"), default=True)
    threshold_base = models.CharField(_("计算基数"), max_length=12, default="electorate")
    tie_rule = models.CharField(
        _("并列或名额未满时"), max_length=12, choices=TieRule.choices, default=TieRule.RUNOFF
    )
    # Budget rules: a project needs at least this many votes to be considered (0 = none).
    min_votes = models.PositiveIntegerField(_("最低得票数"), default=0)
    mes_completion = models.CharField(
        _("等额份额法补足方式"), max_length=12, choices=Completion.choices, default=Completion.ADD1_GREEDY
    )
    secret = models.BooleanField(_("无记名投票"), default=True)
    # The ballots poll of the current vote (the runoff replaces it; the first one is kept in `first_poll`).
    poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    first_poll = models.ForeignKey(
        "ballots.Poll", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The published outcome: per project counts, ranks and explanations (see selection.py).
    result = models.JSONField(default=dict, blank=True)
    recommend_until = models.DateField(_("推荐截止"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("票决轮次")
        verbose_name_plural = _("票决轮次")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "title"], name="round_unit_year_title")
        ]
        indexes = [models.Index(fields=["year", "state"], name="round_year_state")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class RoundBallot(models.Model):
    """Approval ballots of a budget round imported from a pabulib file, identical ballots grouped.

    Votes cast on the platform live in minyi.ballots; these are votes counted elsewhere (a city's PB
    vote) and imported so the budget rule can run on them and the round can be exported again.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="imported_ballots")
    marks = models.JSONField()  # sorted list of Project primary keys
    count = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("导入的选票")
        verbose_name_plural = _("导入的选票")

    def __str__(self) -> str:
        return f"{self.round_id}: {self.marks} ×{self.count}"
