"""Livelihood projects (P1/P2): yearly rounds (rounds.py) and projects with their opinions (projects.py).

Delivery (P3), self-build (P5) and the special fund (P6) live in sub-packages with their own models that
point at `Project`; they are imported here so Django finds them.
"""

from minyi.projects.delivery.models import Delivery, Finding, Milestone, Payment, Problem
from minyi.projects.effect.models import EffectEvaluation
from minyi.projects.fund.models import Fund, FundItem, FundItemStatus
from minyi.projects.models.projects import (
    DepartmentOpinion,
    OpinionStance,
    Project,
    ProjectCategory,
    ProjectSource,
    ProjectStatus,
    Recommender,
)
from minyi.projects.models.rounds import Completion, Round, RoundBallot, RoundState, SelectionRule, TieRule
from minyi.projects.selfbuild.models import (
    MaintenanceEntry,
    MaintenanceKind,
    Need,
    Procurement,
    ProcurementKind,
    SelfBuildRound,
)

__all__ = [
    "Completion",
    "Delivery",
    "DepartmentOpinion",
    "EffectEvaluation",
    "Finding",
    "Fund",
    "FundItem",
    "FundItemStatus",
    "MaintenanceEntry",
    "MaintenanceKind",
    "Milestone",
    "Need",
    "OpinionStance",
    "Payment",
    "Problem",
    "Procurement",
    "ProcurementKind",
    "Project",
    "ProjectCategory",
    "ProjectSource",
    "ProjectStatus",
    "Recommender",
    "Round",
    "RoundBallot",
    "RoundState",
    "SelectionRule",
    "SelfBuildRound",
    "TieRule",
]
