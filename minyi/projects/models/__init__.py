"""Livelihood projects (P1/P2): yearly rounds (rounds.py) and projects with their opinions (projects.py).

Delivery (P3), self-build (P5) and the special fund (P6) live in sub-packages with their own models that
point at `Project`; nothing of theirs is stored here.
"""

# P3/P5/P6 (the delivery helper's sub-packages); imported here so Django finds the models.
from minyi.projects.delivery.models import Delivery, Finding, Milestone, Payment, Problem
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
from minyi.projects.models.rounds import Round, RoundState, SelectionRule, TieRule
from minyi.projects.selfbuild.models import (
    MaintenanceEntry,
    MaintenanceKind,
    Need,
    Procurement,
    ProcurementKind,
    SelfBuildRound,
)

__all__ = [
    "Delivery",
    "Finding",
    "Fund",
    "FundItem",
    "FundItemStatus",
    "MaintenanceEntry",
    "MaintenanceKind",
    "Milestone",
    "Need",
    "Payment",
    "Problem",
    "Procurement",
    "ProcurementKind",
    "SelfBuildRound",
    "DepartmentOpinion",
    "OpinionStance",
    "Project",
    "ProjectCategory",
    "ProjectSource",
    "ProjectStatus",
    "Recommender",
    "Round",
    "RoundState",
    "SelectionRule",
    "TieRule",
]
