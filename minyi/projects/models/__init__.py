"""Livelihood projects (P1/P2): yearly rounds (rounds.py) and projects with their opinions (projects.py).

Delivery (P3), self-build (P5) and the special fund (P6) live in sub-packages with their own models that
point at `Project`; nothing of theirs is stored here.
"""

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

__all__ = [
    "Completion",
    "DepartmentOpinion",
    "OpinionStance",
    "Project",
    "ProjectCategory",
    "ProjectSource",
    "ProjectStatus",
    "Recommender",
    "Round",
    "RoundBallot",
    "RoundState",
    "SelectionRule",
    "TieRule",
]
