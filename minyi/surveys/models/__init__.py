"""Surveys models: questionnaires (surveys.py); respondent groups, invitations and responses (responses.py)."""

from minyi.surveys.models.responses import (
    Access,
    Answer,
    DeviceGuard,
    Invitation,
    RespondentGroup,
    Response,
)
from minyi.surveys.models.surveys import Anonymity, Kind, Question, QuestionKind, Section, Survey, SurveyState

__all__ = [
    "Access",
    "Anonymity",
    "Answer",
    "DeviceGuard",
    "Invitation",
    "Kind",
    "Question",
    "QuestionKind",
    "RespondentGroup",
    "Response",
    "Section",
    "Survey",
    "SurveyState",
]
