"""Surveys actions: the only code that changes survey state (see docs/surveys.md)."""

from minyi.surveys.actions.building import (
    GroupInput,
    QuestionInput,
    SurveyInput,
    do_add_group,
    do_add_question,
    do_add_section,
    do_create_survey,
    do_invite,
)
from minyi.surveys.actions.effect import create_effect_evaluation, open_due_evaluations
from minyi.surveys.actions.lifecycle import do_close_survey, do_open_survey, do_publish_survey
from minyi.surveys.actions.responding import AnswerErrors, Submitted, do_submit_response

__all__ = [
    "AnswerErrors",
    "GroupInput",
    "QuestionInput",
    "Submitted",
    "SurveyInput",
    "create_effect_evaluation",
    "do_add_group",
    "do_add_question",
    "do_add_section",
    "do_close_survey",
    "do_create_survey",
    "do_invite",
    "do_open_survey",
    "do_publish_survey",
    "do_submit_response",
    "open_due_evaluations",
]
