"""Submitting a response. Every answer is validated before anything is written; one response per
invited person, named respondent, or (open links) browser — checked under the survey's row lock."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict, NotPermitted
from minyi.core.record.write import record_event
from minyi.surveys.actions.building import lock_survey
from minyi.surveys.models import (
    Access,
    Answer,
    DeviceGuard,
    Invitation,
    Question,
    QuestionKind,
    RespondentGroup,
    Response,
    Survey,
    SurveyState,
)


@dataclass(frozen=True)
class Submitted:
    survey_id: int
    group_id: int
    answered: int  # questions answered


class AnswerErrors(ActionError):
    """Bad answers: `details["errors"]` maps each question key to its message (pages show them per card)."""


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _answer_rows(question: Question, value: Any) -> list[Answer]:
    """The Answer rows for one question's value; raises ValueError(code, message) when it is wrong."""
    options = question.option_labels
    if question.kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in options:
            raise ValueError("choice_not_offered", _("所选选项不在本题选项中"))
        return [Answer(question=question, choice=value)]
    if question.kind == QuestionKind.MULTIPLE:
        chosen = [value] if isinstance(value, str) else value
        if not isinstance(chosen, list | tuple) or not all(isinstance(c, str) for c in chosen):
            raise ValueError("choice_not_offered", _("所选选项不在本题选项中"))
        if any(c not in options for c in chosen):
            raise ValueError("choice_not_offered", _("所选选项不在本题选项中"))
        if len(set(chosen)) != len(chosen):
            raise ValueError("choice_repeated", _("同一选项只能选一次"))
        low, high = question.min_choices or 1, question.max_choices or len(options)
        if len(chosen) > high:
            raise ValueError("too_many_choices", _("最多选择 %(n)d 项") % {"n": high})
        if len(chosen) < low:
            raise ValueError("too_few_choices", _("至少选择 %(n)d 项") % {"n": low})
        return [Answer(question=question, choice=c) for c in chosen]
    if question.is_rating:
        low, high = question.scale()
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            number = None
        if number is None or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(
                "rating_invalid", _("请选择 %(low)d 到 %(high)d 之间的整数") % {"low": low, "high": high}
            )
        if not low <= number <= high:
            raise ValueError(
                "rating_out_of_scale",
                _("评分须在 %(low)d 到 %(high)d 之间") % {"low": low, "high": high},
            )
        return [Answer(question=question, value=number)]
    if question.kind == QuestionKind.MATRIX:
        rows = question.row_labels
        if not isinstance(value, Mapping) or any(not isinstance(v, str) for v in value.values()):
            raise ValueError("matrix_invalid", _("请为每一行选择一项"))
        filled = {r: v for r, v in value.items() if v != ""}
        if set(filled) - set(rows):
            raise ValueError("row_unknown", _("答案包含本题没有的行"))
        if any(v not in options for v in filled.values()):
            raise ValueError("choice_not_offered", _("所选选项不在本题选项中"))
        if question.required and set(filled) != set(rows):
            raise ValueError("matrix_incomplete", _("请为每一行选择一项"))
        return [Answer(question=question, row=r, choice=filled[r]) for r in rows if r in filled]
    text = value.strip() if isinstance(value, str) else None
    if text is None:
        raise ValueError("text_invalid", _("请填写文字"))
    limit = question.max_length or settings.MINYI_SURVEY_TEXT_MAX
    if len(text) > limit:
        raise ValueError("text_too_long", _("最多 %(n)d 字") % {"n": limit})
    return [Answer(question=question, text=text)] if text else []


def normalise_answers(questions: list[Question], answers: Mapping[str, Any]) -> list[Answer]:
    """Validate every answer; raise AnswerErrors naming each bad question. Returns unsaved rows."""
    known = {q.key for q in questions}
    errors: dict[str, tuple[str, str]] = {}
    for key in answers:
        if key not in known:
            errors[str(key)] = ("question_unknown", _("本问卷没有这道题"))
    rows: list[Answer] = []
    for question in questions:
        value = answers.get(question.key)
        if _blank(value) or (isinstance(value, Mapping) and all(v == "" for v in value.values())):
            if question.required:
                errors[question.key] = ("answer_required", _("此题必答"))
            continue
        try:
            made = _answer_rows(question, value)
        except ValueError as exc:
            errors[question.key] = (exc.args[0], exc.args[1])
            continue
        if not made and question.required:
            errors[question.key] = ("answer_required", _("此题必答"))
        rows.extend(made)
    if errors:
        first_key = next(iter(errors))
        code, message = errors[first_key]
        raise AnswerErrors(
            code,
            _("答卷有误：%(message)s") % {"message": message},
            {"field": first_key, "errors": {k: m for k, (_c, m) in errors.items()}},
        )
    return rows


def device_hash(group: RespondentGroup, device_key: str) -> str:
    """A keyed hash of a browser's random cookie: the same browser gives the same hash per group."""
    message = f"surveys.device:{group.pk}:{device_key}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _guard_keys(group: RespondentGroup, actor: Actor, device_key: str) -> list[str]:
    keys = [device_hash(group, device_key)] if device_key else []
    if actor.person is not None:  # a signed-in person cannot answer twice from two browsers
        keys.append(device_hash(group, f"person:{actor.person.pk}"))
    return keys


def check_respondent(
    survey: Survey, group: RespondentGroup, actor: Actor, device_key: str
) -> Invitation | None:
    """Refuse a response that is not allowed; returns the invitation to mark, if any."""
    if survey.state != SurveyState.OPEN:
        raise Conflict("survey_not_open", _("问卷未在答卷期间，不能提交"), {"state": survey.state})
    needs_person = group.access == Access.INVITED or not survey.is_anonymous
    if needs_person and actor.person is None:
        raise NotPermitted("login_required", _("请先登录再答卷"), {})
    invitation = None
    if group.access == Access.INVITED:
        invitation = Invitation.objects.select_for_update().filter(group=group, person=actor.person).first()
        if invitation is None:
            raise NotPermitted("not_invited", _("您不在本群体的答卷名单中"), {})
        if invitation.responded:
            raise Conflict("already_responded", _("您已经提交过答卷"), {})
    if not survey.is_anonymous and Response.objects.filter(survey=survey, respondent=actor.person).exists():
        raise Conflict("already_responded", _("您已经提交过答卷"), {})
    if group.access == Access.OPEN:
        keys = _guard_keys(group, actor, device_key)
        if not keys:
            raise ActionError("device_key_required", _("无法识别设备，请允许浏览器保存 Cookie 后再答卷"), {})
        if DeviceGuard.objects.filter(group=group, key_hash__in=keys).exists():
            raise Conflict("already_responded", _("您已经提交过答卷"), {})
    return invitation


@transaction.atomic
def do_submit_response(
    group: RespondentGroup, answers: Mapping[str, Any], *, actor: Actor, device_key: str = ""
) -> Submitted:
    """Store one response. For an anonymous survey the response carries no person, time or order."""
    survey = lock_survey(group.survey)  # serialises responses with each other and with closing
    group = RespondentGroup.objects.get(pk=group.pk)
    invitation = check_respondent(survey, group, actor, device_key)
    questions = list(Question.objects.filter(survey=survey))
    rows = normalise_answers(questions, answers)
    named = not survey.is_anonymous
    response = Response.objects.create(
        survey=survey,
        group=group,
        respondent=actor.person if named else None,
        submitted_at=timezone.now() if named else None,
    )
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    if invitation is not None:
        invitation.responded = True
        invitation.save(update_fields=["responded"])
    if group.access == Access.OPEN:
        try:
            with transaction.atomic():
                DeviceGuard.objects.bulk_create(
                    DeviceGuard(group=group, key_hash=k) for k in _guard_keys(group, actor, device_key)
                )
        except IntegrityError as exc:  # pragma: no cover - the lock above makes this unreachable
            raise Conflict("already_responded", _("您已经提交过答卷"), {}) from exc
    # An anonymous response's event names no one (open links) or names the invited person as the
    # participation record, never the contents; a named response's event points at it.
    record_event(
        actor=actor,
        action="surveys.response.submit",
        subject=survey,
        unit=survey.unit,
        data={"group": group.pk, "response": str(response.pk)} if named else {},
    )
    return Submitted(survey_id=survey.pk, group_id=group.pk, answered=len({r.question_id for r in rows}))
