"""Loaded from ProjectsConfig.ready(): P3/P5/P6 rules, process steps and public action labels."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from minyi.core.record.public import register_action_labels
from minyi.projects.delivery import actions as _delivery_actions  # noqa: F401  (registers steps)
from minyi.projects.delivery import rules as _rules  # noqa: F401
from minyi.projects.effect import rules as _effect_rules  # noqa: F401  (P4)
from minyi.projects.fund import actions as _fund_actions  # noqa: F401
from minyi.projects.selfbuild import actions as _selfbuild_actions  # noqa: F401

register_action_labels(
    {
        "projects.delivery.open": _("项目进入实施监督"),
        "projects.delivery.payment": _("资金支付公开"),
        "projects.delivery.problem": _("代表反映项目问题"),
        "projects.milestone.progress": _("项目进度更新"),
        "project_milestone.schedule": _("项目节点开始实施"),
        "project_milestone.complete": _("项目节点完成"),
        "projects.finding.raise": _("监督意见"),
        "projects.finding.answer": _("监督意见答复"),
        "projects.selfbuild.need": _("村民需求收集"),
        "projects.selfbuild.decided": _("村民会议票决结果"),
        "projects.selfbuild.procurement": _("询价、合同公开"),
        "projects.selfbuild.maintenance": _("管护记录"),
        "projects.selfbuild.evaluation_due": _("效果评价待开展"),
        "village_selfbuild.record_discussion": _("民议：议事会议"),
        "village_selfbuild.decide": _("民定：村民会议决定"),
        "village_selfbuild.finish_building": _("民建：完工"),
        "village_selfbuild.accept": _("民评：验收通过"),
        "village_selfbuild.rework": _("民评：验收未通过"),
        "projects.fund.create": _("设立代表建议办理专项资金"),
        "projects.fund.verify": _("代表建议实地核查"),
        "projects.fund.screen": _("专项资金项目筛选评分"),
        "projects.fund.decide": _("主任会议确定专项资金项目"),
        "projects.effect.start": _("发起项目效果评价"),
        "projects.effect.attach": _("项目效果评价结果汇总"),
        "projects.effect.report": _("效果评价结果向代表大会报告"),
    }
)
