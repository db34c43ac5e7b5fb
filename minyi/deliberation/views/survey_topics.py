"""D4 提议 from questionnaires: the council's topic-collection surveys, their answers, and turning
answers into topics (staff of the community; docs/deliberation.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.http import current_person
from minyi.deliberation.actions.survey_topics import (
    FromSurveyInput,
    do_create_topic_survey,
    do_topic_from_survey_answers,
)
from minyi.deliberation.models import Area, Council
from minyi.deliberation.predicates import is_council_manager
from minyi.deliberation.survey_answers import chosen_responses, council_survey_answers
from minyi.deliberation.views.common import get_or_404, staff_actor
from minyi.deliberation.views.ops import run_operation, text
from minyi.surveys.models import Anonymity


@login_required
def survey_topics(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    council = get_or_404(Council.objects.select_related("unit"), pk=pk)
    if not is_council_manager(person, council):
        raise PermissionDenied
    actor = staff_actor(person, council)
    if request.method == "POST":
        operations = {
            "create": lambda r: do_create_topic_survey(
                council,
                title=text(r, "title"),
                anonymity=text(r, "anonymity"),
                open_now=r.POST.get("open_now") == "1",
                actor=actor,
            ),
            "convert": lambda r: do_topic_from_survey_answers(
                council,
                FromSurveyInput(
                    responses=chosen_responses(council, text(r, "survey"), r.POST.getlist("responses")),
                    title=text(r, "title"),
                    area=text(r, "area"),
                    description=text(r, "description"),
                ),
                actor=actor,
            ),
        }
        return run_operation(request, operations, council.pk, to="deliberation:survey_topics")
    return render(
        request,
        "deliberation/survey_topics.html",
        {
            "council": council,
            "surveys": council_survey_answers(council),
            "areas": Area.choices,
            "anonymities": Anonymity.choices,
            "default_title": _("%(year)d年%(council)s议题征集")
            % {"year": timezone.localdate().year, "council": council.name},
        },
    )


urlpatterns = [path("councils/<int:pk>/survey-topics/", survey_topics, name="survey_topics")]
