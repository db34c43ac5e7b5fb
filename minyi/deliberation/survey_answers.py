"""The council's topic-collection surveys and their answers, for the staff page and the API (reads only).

Answers are shown only once a survey is closed: until then they are not final (and an anonymous
survey's rows are not yet reshuffled). Four queries whatever the number of surveys and answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from minyi.core.errors import ActionError
from minyi.core.masking import mask_name
from minyi.deliberation.actions.survey_topics import (
    CONVERTIBLE_STATES,
    answer_texts,
    council_surveys,
    numbered,
)
from minyi.deliberation.models import Area, Council, SurveySource, Topic
from minyi.surveys.models import Response as SurveyResponse
from minyi.surveys.models import Survey

SURVEYS_SHOWN = 20


@dataclass(frozen=True)
class AnswerRow:
    number: int
    response_id: str
    topic: str
    area: str
    area_label: str
    detail: str
    respondent: str  # masked; empty for anonymous surveys
    converted_to: Topic | None


@dataclass
class SurveyAnswers:
    survey: Survey
    responses: int
    rows: list[AnswerRow] = field(default_factory=list)

    @property
    def convertible(self) -> bool:
        return self.survey.state in CONVERTIBLE_STATES


def council_survey_answers(council: Council) -> list[SurveyAnswers]:
    surveys = list(council_surveys(council).annotate(received=Count("responses"))[:SURVEYS_SHOWN])
    found = [SurveyAnswers(survey=s, responses=s.received) for s in surveys]  # type: ignore[attr-defined]
    closed = {s.survey.pk: s for s in found if s.convertible}
    if not closed:
        return found
    responses = list(SurveyResponse.objects.filter(survey_id__in=closed).select_related("respondent"))
    texts = answer_texts(responses)
    sources = {
        str(s.response_id): s.topic
        for s in SurveySource.objects.filter(survey_id__in=closed).select_related("topic")
    }
    areas = dict(Area.choices)
    by_survey: dict[int, list[SurveyResponse]] = {}
    for response in responses:
        by_survey.setdefault(response.survey_id, []).append(response)
    for survey_id, entry in closed.items():
        for number, response in enumerate(numbered(entry.survey, by_survey.get(survey_id, [])), start=1):
            text = texts[str(response.pk)]
            person = response.respondent if not entry.survey.is_anonymous else None
            entry.rows.append(
                AnswerRow(
                    number=number,
                    response_id=str(response.pk),
                    topic=text.topic,
                    area=text.area,
                    area_label=str(areas.get(text.area, "")),
                    detail=text.detail,
                    respondent=mask_name(person.name) if person is not None and person.name else "",
                    converted_to=sources.get(str(response.pk)),
                )
            )
    return found


def chosen_responses(council: Council, survey_id: str, response_ids: list[str]) -> list[SurveyResponse]:
    """The ticked answers of one of the council's surveys (unknown ids are refused, not ignored)."""
    survey = council_surveys(council).filter(pk=int(survey_id) if survey_id.isdigit() else 0).first()
    if survey is None:
        raise ActionError("survey_unknown", _("未找到该问卷"), {"field": "survey"})
    if not response_ids:
        raise ActionError("answers_required", _("请至少选择一份答卷"), {"field": "responses"})
    try:
        ids = {uuid.UUID(value) for value in response_ids}
    except ValueError:
        raise ActionError("answer_unknown", _("未找到所选答卷"), {"field": "responses"}) from None
    found = list(SurveyResponse.objects.filter(survey=survey, pk__in=ids))
    if len(found) != len(ids):
        raise ActionError("answer_unknown", _("未找到所选答卷"), {"field": "responses"})
    return found
