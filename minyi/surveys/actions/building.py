"""Building a questionnaire while it is a draft: the survey, its sections, questions and respondent groups."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import Person, Unit
from minyi.core.record.write import record_event
from minyi.surveys.models import (
    Access,
    Anonymity,
    Invitation,
    Kind,
    Question,
    QuestionKind,
    RespondentGroup,
    Section,
    Survey,
    SurveyState,
)


def invalid(code: str, message: str, field_name: str, **details: Any) -> ActionError:
    return ActionError(code, message, {"field": field_name, **details})


@dataclass(frozen=True)
class SurveyInput:
    unit: Unit
    title: str
    anonymity: str = Anonymity.ANONYMOUS
    description: str = ""
    kind: str = Kind.GENERAL
    subject_type: str = ""
    subject_id: str = ""
    open_at: Any = None  # datetime.date of a scheduled opening, or None


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    text: str
    required: bool = True
    options: Sequence[str] = ()  # labels; keys are their positions "1", "2", … unless `option_keys` is given
    option_keys: Sequence[str] = ()
    rows: Sequence[str] = ()  # matrix rows
    min_choices: int | None = None
    max_choices: int | None = None
    max_length: int | None = None
    help_text: str = ""
    satisfied: Sequence[str] = ()  # option keys counted as satisfied
    key: str = ""  # defaults to "q<n>"
    section: Section | None = None


@dataclass(frozen=True)
class GroupInput:
    name: str
    weight: Decimal | str | float
    access: str = Access.OPEN
    invitees: Sequence[Person] = field(default_factory=tuple)


def lock_survey(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().select_related("unit").get(pk=survey.pk)


def require_state(survey: Survey, *states: str) -> None:
    if survey.state not in states:
        raise Conflict(
            "survey_wrong_state",
            _("问卷当前状态为“%(state)s”，不能进行此操作") % {"state": SurveyState(survey.state).label},
            {"state": survey.state, "expected": list(states)},
        )


def check_create_survey(data: SurveyInput) -> None:
    if not data.title.strip():
        raise invalid("title_required", _("标题不能为空"), "title")
    if data.anonymity not in Anonymity.values:
        raise invalid("anonymity_unknown", _("未知的记名方式"), "anonymity")
    if data.kind not in Kind.values:
        raise invalid("kind_unknown", _("未知的问卷类型"), "kind")


@transaction.atomic
def do_create_survey(data: SurveyInput, *, actor: Actor) -> Survey:
    check_create_survey(data)
    survey = Survey.objects.create(
        unit=data.unit,
        title=data.title.strip(),
        description=data.description.strip(),
        kind=data.kind,
        anonymity=data.anonymity,
        subject_type=data.subject_type,
        subject_id=data.subject_id,
        open_at=data.open_at,
        created_by=actor.person,
    )
    record_event(
        actor=actor,
        action="surveys.survey.create",
        subject=survey,
        unit=survey.unit,
        public=True,
        data={
            "title": survey.title,
            "kind": survey.kind,
            "anonymity": survey.anonymity,
            "subject": [survey.subject_type, survey.subject_id] if survey.subject_type else None,
            "open_at": survey.open_at.isoformat() if survey.open_at else None,
        },
    )
    return survey


@transaction.atomic
def do_add_section(survey: Survey, title: str, *, actor: Actor) -> Section:
    survey = lock_survey(survey)
    require_state(survey, SurveyState.DRAFT)
    if not title.strip():
        raise invalid("title_required", _("标题不能为空"), "title")
    section = Section.objects.create(survey=survey, title=title.strip(), position=survey.sections.count())
    record_event(
        actor=actor,
        action="surveys.section.add",
        subject=survey,
        unit=survey.unit,
        data={"section": section.pk, "title": section.title},
    )
    return section


def _pairs(labels: Sequence[str], keys: Sequence[str], what: str) -> list[list[str]]:
    cleaned = [label.strip() for label in labels]
    keys = list(keys) if keys else [str(i + 1) for i in range(len(cleaned))]
    if len(keys) != len(cleaned) or any(not label for label in cleaned) or any(not k for k in keys):
        raise invalid("option_label_required", _("选项名称不能为空"), what)
    if len(set(cleaned)) != len(cleaned) or len(set(keys)) != len(keys):
        raise invalid("option_repeated", _("选项重复"), what)
    return [[k, label] for k, label in zip(keys, cleaned, strict=True)]


def check_question(survey: Survey, data: QuestionInput) -> dict[str, Any]:
    """Validate a new question against its kind; returns the model fields to store."""
    require_state(survey, SurveyState.DRAFT)
    if data.kind not in QuestionKind.values:
        raise invalid("question_kind_unknown", _("未知的题型"), "kind")
    if not data.text.strip():
        raise invalid("question_text_required", _("题目不能为空"), "text")
    if data.section is not None and data.section.survey_id != survey.pk:
        raise invalid("section_unknown", _("该分组不属于本问卷"), "section")
    stored: dict[str, Any] = {"options": [], "rows": [], "min_choices": None, "max_choices": None}
    if data.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.MATRIX):
        stored["options"] = _pairs(data.options, data.option_keys, "options")
        if len(stored["options"]) < 2:
            raise invalid("options_too_few", _("至少需要两个选项"), "options")
    elif data.options:
        raise invalid("options_not_allowed", _("该题型不设选项"), "options")
    if data.kind == QuestionKind.MATRIX:
        stored["rows"] = _pairs(data.rows, (), "rows")
        if not stored["rows"]:
            raise invalid("rows_required", _("矩阵题至少需要一行"), "rows")
    if data.kind == QuestionKind.MULTIPLE:
        count = len(stored["options"])
        low = data.min_choices if data.min_choices is not None else 1
        high = data.max_choices if data.max_choices is not None else count
        if not 1 <= low <= high <= count:
            raise invalid(
                "choice_limits_invalid",
                _("最少与最多选择数须满足 1 ≤ 最少 ≤ 最多 ≤ 选项数（%(count)d）") % {"count": count},
                "max_choices",
            )
        stored["min_choices"], stored["max_choices"] = low, high
    elif data.min_choices is not None or data.max_choices is not None:
        raise invalid("choice_limits_not_allowed", _("只有多选题可设置选择数"), "max_choices")
    stored["max_length"] = None
    if data.kind == QuestionKind.TEXT:
        limit = settings.MINYI_SURVEY_TEXT_MAX
        length = data.max_length if data.max_length is not None else limit
        if not 1 <= length <= limit:
            raise invalid(
                "max_length_invalid", _("字数上限须在 1 到 %(limit)d 之间") % {"limit": limit}, "max_length"
            )
        stored["max_length"] = length
    keys = {k for k, _label in stored["options"]}
    if data.satisfied and (data.kind != QuestionKind.SINGLE or not set(data.satisfied) <= keys):
        raise invalid("satisfied_invalid", _("“满意”选项只能是本单选题的选项"), "satisfied")
    stored["satisfied_keys"] = list(data.satisfied)
    return stored


@transaction.atomic
def do_add_question(survey: Survey, data: QuestionInput, *, actor: Actor) -> Question:
    survey = lock_survey(survey)
    stored = check_question(survey, data)
    position = survey.questions.count()
    key = data.key or f"q{position + 1}"
    if survey.questions.filter(key=key).exists():
        raise invalid("question_key_repeated", _("题目编号重复"), "key")
    question = Question.objects.create(
        survey=survey,
        section=data.section,
        key=key,
        position=position,
        kind=data.kind,
        text=data.text.strip(),
        help_text=data.help_text.strip(),
        required=data.required,
        **stored,
    )
    record_event(
        actor=actor,
        action="surveys.question.add",
        subject=survey,
        unit=survey.unit,
        data={"key": key, "kind": question.kind, "text": question.text, "options": question.options},
    )
    return question


def check_group(survey: Survey, data: GroupInput) -> Decimal:
    require_state(survey, SurveyState.DRAFT)
    if not data.name.strip():
        raise invalid("group_name_required", _("群体名称不能为空"), "name")
    if data.access not in Access.values:
        raise invalid("access_unknown", _("未知的答卷方式"), "access")
    try:
        weight = Decimal(str(data.weight))
    except InvalidOperation as exc:
        raise invalid("weight_invalid", _("权重须为正数"), "weight") from exc
    if not weight.is_finite() or weight <= 0 or weight >= 1000:
        raise invalid("weight_invalid", _("权重须为正数"), "weight")
    if survey.groups.filter(name=data.name.strip()).exists():
        raise invalid("group_repeated", _("群体名称重复"), "name")
    if data.invitees and data.access != Access.INVITED:
        raise invalid("invitees_need_list", _("只有限定名单的群体可以邀请答卷人"), "invitees")
    return weight.quantize(Decimal("0.001"))


@transaction.atomic
def do_add_group(survey: Survey, data: GroupInput, *, actor: Actor) -> RespondentGroup:
    survey = lock_survey(survey)
    weight = check_group(survey, data)
    group = RespondentGroup.objects.create(
        survey=survey,
        name=data.name.strip(),
        weight=weight,
        access=data.access,
        token=secrets.token_urlsafe(18),
        position=survey.groups.count(),
    )
    record_event(
        actor=actor,
        action="surveys.group.add",
        subject=survey,
        unit=survey.unit,
        data={"group": group.pk, "name": group.name, "weight": str(weight), "access": group.access},
    )
    if data.invitees:
        _invite(survey, group, data.invitees, actor=actor)
    return group


def _invite(survey: Survey, group: RespondentGroup, people: Sequence[Person], *, actor: Actor) -> int:
    others = set(
        Invitation.objects.filter(group__survey=survey, person__in=people)
        .exclude(group=group)
        .values_list("person_id", flat=True)
    )
    if others:
        name = next(p for p in people if p.pk in others)
        raise invalid(
            "respondent_in_two_groups", _("%(name)s 已在本问卷的其他群体名单中") % {"name": name}, "invitees"
        )
    existing = set(Invitation.objects.filter(group=group).values_list("person_id", flat=True))
    new = {p.pk: p for p in people if p.pk not in existing}
    Invitation.objects.bulk_create(Invitation(group=group, person=p) for p in new.values())
    record_event(
        actor=actor,
        action="surveys.group.invite",
        subject=survey,
        unit=survey.unit,
        data={"group": group.pk, "people": sorted(new)},
    )
    return len(new)


@transaction.atomic
def do_invite(group: RespondentGroup, people: Sequence[Person], *, actor: Actor) -> int:
    """Add people to a group's respondent list (draft or open surveys). Returns how many were new."""
    survey = lock_survey(group.survey)
    require_state(survey, SurveyState.DRAFT, SurveyState.OPEN)
    if group.access != Access.INVITED:
        raise invalid("invitees_need_list", _("只有限定名单的群体可以邀请答卷人"), "invitees")
    if not people:
        raise invalid("invitees_required", _("请至少选择一名答卷人"), "invitees")
    return _invite(survey, group, people, actor=actor)
