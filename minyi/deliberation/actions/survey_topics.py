"""D4 提议 from residents through questionnaires (议题征集问卷).

The community's staff create a topic-collection questionnaire for a council — an ordinary
`minyi.surveys` survey attached to the council (subject `deliberation.council`, <id>), with an open
question "你希望议事会讨论什么问题", the area among the eight, and optional details. Residents answer
on their phones through the survey's link or QR code. Once the survey is closed (its answers final),
staff turn one answer, or several similar answers merged, into a topic in 提议 with
`do_topic_from_survey_answers`; each answer becomes at most one topic, and the topic keeps the link
(`SurveySource`: survey and 第N份答卷, never the respondent of an anonymous survey).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.record.write import record_event
from minyi.core.subjects import subject_ref
from minyi.deliberation.actions.topics import TITLE_MAX, TopicInput, _create, require_manager
from minyi.deliberation.models import Area, Council, SurveySource, Topic, TopicSource
from minyi.surveys.actions import (
    GroupInput,
    QuestionInput,
    SurveyInput,
    do_add_group,
    do_add_question,
    do_create_survey,
    do_open_survey,
)
from minyi.surveys.models import Anonymity, QuestionKind, Survey, SurveyState
from minyi.surveys.models import Response as SurveyResponse

# Stable question keys: the council's answers page and the conversion read answers by these.
TOPIC_KEY = "topic"
AREA_KEY = "area"
DETAIL_KEY = "detail"
TOPIC_TEXT_MAX = 200
CONVERTIBLE_STATES = (SurveyState.CLOSED, SurveyState.PUBLISHED)


def council_surveys(council: Council):  # type: ignore[no-untyped-def]
    """The council's topic-collection surveys (a queryset), newest first."""
    kind, pk = subject_ref(council)
    return Survey.objects.filter(subject_type=kind, subject_id=pk).order_by("-created_at", "-pk")


def numbered(survey: Survey, responses: Sequence[SurveyResponse]) -> list[SurveyResponse]:
    """A survey's responses in their fixed order (第1份, 第2份, …).

    Anonymous responses have no time: their order is their random id's, fixed once the survey closes
    (closing rewrites them in random order under new ids). Named responses follow their submission time.
    """
    if survey.is_anonymous:
        return sorted(responses, key=lambda r: str(r.pk))
    return sorted(responses, key=lambda r: (r.submitted_at is None, r.submitted_at, str(r.pk)))


@transaction.atomic
def do_create_topic_survey(
    council: Council,
    *,
    title: str,
    actor: Actor,
    anonymity: str = Anonymity.ANONYMOUS,
    open_now: bool = True,
) -> Survey:
    """Build the council's topic-collection questionnaire with one open link for residents."""
    require_manager(actor, council)
    if not council.is_active:
        raise ActionError("council_inactive", _("该议事会已停用"), {})
    kind, pk = subject_ref(council)
    survey = do_create_survey(
        SurveyInput(
            unit=council.unit,
            title=title,
            anonymity=anonymity,
            description=_("请写下您希望%(council)s讨论的问题，社区“两委”将把合适的意见转为议题。")
            % {"council": council.name},
            subject_type=kind,
            subject_id=pk,
        ),
        actor=actor,
    )
    do_add_question(
        survey,
        QuestionInput(
            kind=QuestionKind.TEXT,
            text=_("你希望议事会讨论什么问题"),
            key=TOPIC_KEY,
            max_length=TOPIC_TEXT_MAX,
            help_text=_("一句话说明问题，例如“3栋路灯坏了”"),
        ),
        actor=actor,
    )
    do_add_question(
        survey,
        QuestionInput(
            kind=QuestionKind.SINGLE,
            text=_("这个问题属于哪个方面"),
            key=AREA_KEY,
            options=[str(label) for _value, label in Area.choices],
            option_keys=list(Area.values),
        ),
        actor=actor,
    )
    do_add_question(
        survey,
        QuestionInput(
            kind=QuestionKind.TEXT,
            text=_("具体情况和建议"),
            key=DETAIL_KEY,
            required=False,
            max_length=1000,
        ),
        actor=actor,
    )
    do_add_group(survey, GroupInput(name=str(_("居民")), weight="1"), actor=actor)
    if open_now:
        survey = do_open_survey(survey, actor=actor)
    return survey


@dataclass(frozen=True)
class AnswerText:
    topic: str
    area: str
    detail: str


def answer_texts(responses: Sequence[SurveyResponse]) -> dict[str, AnswerText]:
    """Response id → its topic, area and detail answers (one query)."""
    from minyi.surveys.models import Answer as SurveyAnswer

    found: dict[str, dict[str, str]] = {str(r.pk): {} for r in responses}
    rows = SurveyAnswer.objects.filter(
        response_id__in=[r.pk for r in responses], question__key__in=[TOPIC_KEY, AREA_KEY, DETAIL_KEY]
    ).values_list("response_id", "question__key", "text", "choice")
    for response_id, key, value, choice in rows:
        found[str(response_id)][key] = choice if key == AREA_KEY else value
    return {
        rid: AnswerText(topic=v.get(TOPIC_KEY, ""), area=v.get(AREA_KEY, ""), detail=v.get(DETAIL_KEY, ""))
        for rid, v in found.items()
    }


@dataclass(frozen=True)
class FromSurveyInput:
    responses: Sequence[SurveyResponse]
    title: str = ""  # default: the first answer's question, cut to the topic title's length
    area: str = ""  # default: the first answer's area
    description: str = ""  # default: the answers, each with its number


def _survey_of(council: Council, responses: Sequence[SurveyResponse]) -> Survey:
    if not responses:
        raise ActionError("answers_required", _("请至少选择一份答卷"), {"field": "responses"})
    survey_ids = {r.survey_id for r in responses}
    if len(survey_ids) != 1:
        raise ActionError("answers_other_survey", _("只能合并同一份问卷的答卷"), {"field": "responses"})
    survey = Survey.objects.select_for_update().get(pk=survey_ids.pop())  # one conversion at a time
    if (survey.subject_type, survey.subject_id) != subject_ref(council):
        raise ActionError("survey_other_council", _("该问卷不是本议事会的议题征集问卷"), {"field": "survey"})
    if survey.state not in CONVERTIBLE_STATES:
        raise Conflict("survey_not_closed", _("问卷截止后才能将答卷转为议题"), {"state": survey.state})
    return survey


@transaction.atomic
def do_topic_from_survey_answers(council: Council, data: FromSurveyInput, *, actor: Actor) -> Topic:
    """Turn one answer, or several similar answers merged, into a topic in 提议, keeping the link."""
    require_manager(actor, council)
    survey = _survey_of(council, data.responses)
    chosen = {r.pk for r in data.responses}
    ordered = numbered(survey, list(SurveyResponse.objects.filter(survey=survey)))
    numbers = {r.pk: i for i, r in enumerate(ordered, start=1)}
    picked = [r for r in ordered if r.pk in chosen]
    taken = SurveySource.objects.filter(response_id__in=chosen).values_list("response_id", flat=True)
    if taken:
        used = sorted(numbers[rid] for rid in taken)
        raise Conflict(
            "answer_has_topic",
            _("第%(numbers)s份答卷已转为议题") % {"numbers": "、".join(str(n) for n in used)},
            {"field": "responses", "numbers": used},
        )
    texts = answer_texts(picked)
    first = texts[str(picked[0].pk)]
    if not any(texts[str(r.pk)].topic.strip() for r in picked):
        raise ActionError("answer_empty", _("所选答卷没有填写议题"), {"field": "responses"})
    description = data.description.strip() or "\n".join(
        _("第%(n)d份答卷：%(text)s") % {"n": numbers[r.pk], "text": texts[str(r.pk)].topic.strip()}
        + (f"（{texts[str(r.pk)].detail.strip()}）" if texts[str(r.pk)].detail.strip() else "")
        for r in picked
    )
    area = data.area or (first.area if first.area in Area.values else "")
    # A named survey's single respondent becomes the proposer (told of the outcome, masked in public);
    # an anonymous survey's answer, or several merged, has none.
    proposer = picked[0].respondent if len(picked) == 1 and not survey.is_anonymous else None
    topic = _create(
        council,
        TopicInput(
            title=data.title.strip() or first.topic.strip()[:TITLE_MAX], description=description, area=area
        ),
        source=TopicSource.SURVEY,
        actor=actor,
        proposer=proposer,
    )
    SurveySource.objects.bulk_create(
        SurveySource(topic=topic, survey=survey, response=r, number=numbers[r.pk]) for r in picked
    )
    record_event(
        actor=actor,
        action="deliberation.topic.from_survey",
        subject=topic,
        unit=council.unit,
        public=True,
        data={"survey": survey.pk, "survey_title": survey.title, "answers": [numbers[r.pk] for r in picked]},
    )
    return topic
