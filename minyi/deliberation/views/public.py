"""Public pages: the topic board (公示), a topic, a meeting, and the projector page (当场宣布)."""

from __future__ import annotations

import rules
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from minyi.ballots.models import Poll
from minyi.core.masking import mask_name
from minyi.deliberation.actions.meetings import quorum
from minyi.deliberation.models import Area, Council, Meeting, Topic
from minyi.deliberation.predicates import is_council_manager, is_member_of
from minyi.deliberation.views.common import get_or_404, topic_rows


def board(request: HttpRequest) -> HttpResponse:
    topics = Topic.objects.select_related("council", "proposer").order_by("-proposed_at")
    council_id = request.GET.get("council", "")
    if council_id.isdigit():
        topics = topics.filter(council_id=int(council_id))
    area = request.GET.get("area", "")
    if area in Area.values:
        topics = topics.filter(area=area)
    page = Paginator(topics, settings.MINYI_PORTAL_LIST_SIZE).get_page(request.GET.get("page"))
    councils = list(Council.objects.filter(is_active=True).order_by("name"))
    return render(
        request,
        "deliberation/board.html",
        {
            "rows": topic_rows(list(page.object_list)),
            "page": page,
            "councils": councils,
            "areas": Area.choices,
            "council_id": council_id,
            "area": area,
        },
    )


def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from minyi.deliberation.actions.topics import instance_for

    topic = get_or_404(
        Topic.objects.select_related("council__unit", "proposer", "responsible", "poll"), pk=pk
    )
    row = topic_rows([topic])[0]
    person = request.user if request.user.is_authenticated else None
    sources = list(topic.survey_sources.select_related("survey"))
    return render(
        request,
        "deliberation/topic.html",
        {
            "row": row,
            "topic": topic,
            "progress": list(topic.progress.all()),
            "responsible": mask_name(topic.responsible.name) if topic.responsible else "",
            "is_member": is_member_of(person, topic.council),  # type: ignore[arg-type]
            "is_manager": is_council_manager(person, topic.council),  # type: ignore[arg-type]
            "is_responsible": person is not None and person.pk == topic.responsible_id,
            "instance": instance_for(topic),
            "supervising": person is not None and topic.supervisions.filter(person_id=person.pk).exists(),
            # 来源：问卷《…》第N份答卷 — never the respondent of an anonymous survey (the proposer,
            # masked, is set only for a single named answer).
            "survey_source": sources[0].survey if sources else None,
            "survey_numbers": "、".join(str(s.number) for s in sources),
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_or_404(Meeting.objects.select_related("council__unit"), pk=pk)
    person = request.user if request.user.is_authenticated else None
    agenda = [item.topic for item in meeting.agenda.select_related("topic", "topic__proposer")]
    return render(
        request,
        "deliberation/meeting.html",
        {
            "meeting": meeting,
            "rows": topic_rows(agenda),
            "quorum": quorum(meeting),
            "decisions": list(meeting.decisions.all()),
            "is_member": is_member_of(person, meeting.council),  # type: ignore[arg-type]
            "is_manager": is_council_manager(person, meeting.council),  # type: ignore[arg-type]
        },
    )


def _projector_context(request: HttpRequest, pk: int) -> dict[str, object]:
    poll = get_or_404(Poll.objects.select_related("unit"), pk=pk)
    visible = rules.has_perm("ballots.view_results", request.user, poll) and poll.result is not None
    context: dict[str, object] = {"poll": poll, "result": poll.result if visible else None}
    if visible and poll.method == "score":
        # 专项评议 (D6): one line per appraised subject, in the poll's option order.
        options = (poll.result or {}).get("options", {})
        context["score_rows"] = [(o.label, options.get(o.key, {})) for o in poll.options.all()]
    return context


def projector(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "deliberation/projector.html", _projector_context(request, pk))


def projector_live(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "deliberation/_projector_result.html", _projector_context(request, pk))


urlpatterns = [
    path("", board, name="board"),
    path("topics/<int:pk>/", topic_detail, name="topic"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting"),
    path("polls/<int:pk>/projector/", projector, name="projector"),
    path("polls/<int:pk>/projector/live/", projector_live, name="projector_live"),
]
