"""A survey's lifecycle: draft → open → closed → published, one action per step.

Each step locks the survey row, refuses the wrong current state and writes its event on the survey's
chain. Anonymous surveys' responses are rewritten in random order at closing (docs/surveys.md).
"""

from __future__ import annotations

import secrets
import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.record.write import record_event
from minyi.surveys.actions.building import lock_survey, require_state
from minyi.surveys.models import Access, Answer, Invitation, RespondentGroup, Response, Survey, SurveyState


def check_open_survey(survey: Survey) -> None:
    require_state(survey, SurveyState.DRAFT)
    if not survey.questions.exists():
        raise ActionError("questions_required", _("问卷至少需要一道题目"), {"field": "questions"})
    groups = list(RespondentGroup.objects.filter(survey=survey))
    if not groups:
        raise ActionError("groups_required", _("问卷至少需要一个答卷群体"), {"field": "groups"})
    invited = {g.pk for g in groups if g.access == Access.INVITED}
    with_list = set(
        Invitation.objects.filter(group_id__in=invited).values_list("group_id", flat=True).distinct()
    )
    empty = [g.name for g in groups if g.pk in invited and g.pk not in with_list]
    if empty:
        raise ActionError(
            "group_list_empty",
            _("群体“%(name)s”限定名单答卷，但名单为空") % {"name": empty[0]},
            {"field": "groups"},
        )


@transaction.atomic
def do_open_survey(survey: Survey, *, actor: Actor) -> Survey:
    survey = lock_survey(survey)
    check_open_survey(survey)
    survey.state = SurveyState.OPEN
    survey.opened_at = timezone.now()
    survey.save(update_fields=["state", "opened_at"])
    record_event(actor=actor, action="surveys.survey.open", subject=survey, unit=survey.unit, public=True)
    return survey


def _shuffle_anonymous_responses(survey: Survey) -> None:
    """Rewrite an anonymous survey's responses and answers in random order under new random ids.

    While open, a response is written in the same transaction as its participation row; rewriting
    them together in random order leaves no live row whose position, id or transaction id matches a
    participation record (docs/surveys.md lists what remains).
    """
    rng = secrets.SystemRandom()
    responses = list(Response.objects.filter(survey=survey).values_list("id", "group_id"))
    answers = list(
        Answer.objects.filter(response__survey=survey).values_list(
            "response_id", "question_id", "row", "choice", "value", "text"
        )
    )
    new_ids = {old: uuid.uuid4() for old, _group in responses}
    rng.shuffle(responses)
    rng.shuffle(answers)
    Response.objects.filter(survey=survey).delete()  # answers cascade
    Response.objects.bulk_create(
        Response(id=new_ids[old], survey=survey, group_id=group) for old, group in responses
    )
    Answer.objects.bulk_create(
        Answer(id=uuid.uuid4(), response_id=new_ids[r], question_id=q, row=row, choice=c, value=v, text=t)
        for r, q, row, c, v, t in answers
    )


@transaction.atomic
def do_close_survey(survey: Survey, *, actor: Actor) -> Survey:
    survey = lock_survey(survey)
    require_state(survey, SurveyState.OPEN)
    if survey.is_anonymous:
        _shuffle_anonymous_responses(survey)
    survey.state = SurveyState.CLOSED
    survey.closed_at = timezone.now()
    survey.responses_count = Response.objects.filter(survey=survey).count()
    survey.save(update_fields=["state", "closed_at", "responses_count"])
    record_event(
        actor=actor,
        action="surveys.survey.close",
        subject=survey,
        unit=survey.unit,
        public=True,
        data={"responses": survey.responses_count},
    )
    return survey


@transaction.atomic
def do_publish_survey(survey: Survey, *, actor: Actor) -> Survey:
    """Publish the aggregate results (公示). Raw answers are never published."""
    from minyi.surveys.results import compute_results

    survey = lock_survey(survey)
    require_state(survey, SurveyState.CLOSED)
    survey.state = SurveyState.PUBLISHED
    survey.published_at = timezone.now()
    survey.save(update_fields=["state", "published_at"])
    results = compute_results(survey)
    record_event(
        actor=actor,
        action="surveys.survey.publish",
        subject=survey,
        unit=survey.unit,
        public=True,
        data={"responses": survey.responses_count, "summary": results.summary()},
    )
    return survey
