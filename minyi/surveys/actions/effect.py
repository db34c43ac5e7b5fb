"""P4 effect evaluation: a standard project-effect questionnaire for any subject, opened on schedule.

After a configured period of use (MINYI_EFFECT_EVALUATION_DELAY_DAYS) residents' reps and deputies
rate build quality, usefulness and maintenance and say whether they are satisfied; the result
(`minyi.surveys.effect.effect_result`) is attached to the subject and listed for the next assembly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Unit
from minyi.core.subjects import subject_ref
from minyi.surveys.actions.building import (
    GroupInput,
    QuestionInput,
    SurveyInput,
    do_add_group,
    do_add_question,
    do_add_section,
    do_create_survey,
)
from minyi.surveys.actions.lifecycle import do_open_survey
from minyi.surveys.models import Anonymity, Kind, QuestionKind, Survey, SurveyState

# Stable question keys: effect_result and other apps read answers by these.
OVERALL_KEY = "overall"
RATING_KEYS = ("quality", "usefulness", "maintenance")
SATISFACTION_OPTIONS = (
    ("satisfied", gettext_lazy("满意")),
    ("basic", gettext_lazy("基本满意")),
    ("unsatisfied", gettext_lazy("不满意")),
)
SATISFIED_KEYS = ("satisfied", "basic")


def _unit_of(subject: models.Model, unit: Unit | None) -> Unit:
    found = unit or getattr(subject, "unit", None)
    if not isinstance(found, Unit):
        raise ActionError("unit_required", _("请指定评价所属单位"), {"field": "unit"})
    return found


@transaction.atomic
def create_effect_evaluation(
    subject: models.Model,
    *,
    title: str,
    groups: Sequence[GroupInput],
    actor: Actor,
    unit: Unit | None = None,
    open_at: dt.date | None = None,
    anonymity: str = Anonymity.ANONYMOUS,
) -> Survey:
    """Build the standard effect questionnaire for `subject` (any model instance).

    The survey belongs to `unit` (default: the subject's `unit`) and stays a draft until `open_at`
    (default: today + MINYI_EFFECT_EVALUATION_DELAY_DAYS), when the daily task opens it.
    """
    if not groups:
        raise ActionError("groups_required", _("问卷至少需要一个答卷群体"), {"field": "groups"})
    kind, pk = subject_ref(subject)
    when = open_at or timezone.localdate() + dt.timedelta(days=settings.MINYI_EFFECT_EVALUATION_DELAY_DAYS)
    survey = do_create_survey(
        SurveyInput(
            unit=_unit_of(subject, unit),
            title=title,
            anonymity=anonymity,
            description=_("请根据项目投入使用以来的实际情况评价，您的意见将提交下一次代表大会。"),
            kind=Kind.EFFECT,
            subject_type=kind,
            subject_id=pk,
            open_at=when,
        ),
        actor=actor,
    )
    rating = do_add_section(survey, _("项目评价"), actor=actor)
    for key, text in zip(
        RATING_KEYS,
        (_("建设质量"), _("使用效果（是否方便群众、解决了问题）"), _("管护维护情况")),
        strict=True,
    ):
        do_add_question(
            survey,
            QuestionInput(
                kind=QuestionKind.RATING5,
                text=text,
                key=key,
                section=rating,
                help_text=_("1 分最差，5 分最好"),
            ),
            actor=actor,
        )
    overall = do_add_section(survey, _("总体评价"), actor=actor)
    do_add_question(
        survey,
        QuestionInput(
            kind=QuestionKind.SINGLE,
            text=_("您对该项目的总体评价"),
            key=OVERALL_KEY,
            options=[str(label) for _key, label in SATISFACTION_OPTIONS],
            option_keys=[key for key, _label in SATISFACTION_OPTIONS],
            satisfied=SATISFIED_KEYS,
            section=overall,
        ),
        actor=actor,
    )
    do_add_question(
        survey,
        QuestionInput(
            kind=QuestionKind.TEXT,
            text=_("意见和建议"),
            key="comments",
            required=False,
            max_length=1000,
            section=overall,
        ),
        actor=actor,
    )
    for group in groups:
        do_add_group(survey, group, actor=actor)
    return survey


def open_due_evaluations(today: dt.date | None = None) -> list[int]:
    """Open every draft survey whose `open_at` has arrived. Returns the ids opened.

    A survey that cannot open (e.g. an invited group with an empty list) is skipped and stays a
    draft; its staff see it on the survey's page. Each survey opens in its own transaction.
    """
    day = today or timezone.localdate()
    due = Survey.objects.filter(state=SurveyState.DRAFT, open_at__lte=day).order_by("open_at", "pk")
    opened = []
    for survey in due:
        try:
            do_open_survey(survey, actor=Actor.system())
        except ActionError:
            continue
        opened.append(survey.pk)
    return opened
