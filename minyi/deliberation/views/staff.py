"""Running a meeting (staff of the community): agenda, sign-in, quorum, polls, resolution, minutes, observers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person
from minyi.deliberation.actions import meetings as meeting_actions
from minyi.deliberation.actions.polls import do_close_topic_poll, do_open_topic_poll, do_resolve_topic
from minyi.deliberation.actions.review_polls import do_close_review_poll, do_open_review_poll
from minyi.deliberation.actions.topics import SUPERVISED_STATES, PlanInput, instances_for
from minyi.deliberation.minutes import minutes_docx
from minyi.deliberation.models import Attendance, Meeting, Membership, ObserverRequest, ObserverState, Topic
from minyi.deliberation.predicates import is_council_manager
from minyi.deliberation.views.common import get_or_404, staff_actor, topic_rows
from minyi.deliberation.views.ops import required_day, text


def _managed_meeting(request: HttpRequest, pk: int) -> tuple[Person, Meeting]:
    person = current_person(request)
    meeting = get_or_404(Meeting.objects.select_related("council__unit"), pk=pk)
    if not is_council_manager(person, meeting.council):
        raise PermissionDenied
    return person, meeting


def _topic(meeting: Meeting, value: str) -> Topic:
    topic = Topic.objects.filter(pk=int(value) if value.isdigit() else 0, council=meeting.council).first()
    if topic is None:
        raise ActionError("topic_unknown", _("未找到该议题"), {"field": "topic"})
    return topic


def _member(meeting: Meeting, value: str) -> Person:
    person = Person.objects.filter(pk=int(value) if value.isdigit() else 0).first()
    if person is None:
        raise ActionError("person_unknown", _("未找到该代表"), {"field": "person"})
    return person


def _resolve(meeting: Meeting, request: HttpRequest, actor: Actor) -> None:
    topic = _topic(meeting, request.POST.get("topic", ""))
    responsible = Person.objects.filter(
        pk=int(v) if (v := request.POST.get("responsible", "")).isdigit() else 0
    ).first()
    try:
        deadline = dt.date.fromisoformat(request.POST["deadline"]) if request.POST.get("deadline") else None
    except ValueError:
        raise ActionError("input_invalid", _("日期格式应为 YYYY-MM-DD"), {"field": "deadline"}) from None
    do_resolve_topic(topic, responsible=responsible, deadline=deadline, actor=actor)


def _observer(meeting: Meeting, request: HttpRequest, actor: Actor) -> None:
    value = request.POST.get("request", "")
    observer = ObserverRequest.objects.filter(
        pk=int(value) if value.isdigit() else 0, meeting=meeting
    ).first()
    if observer is None:
        raise ActionError("request_unknown", _("未找到该申请"), {})
    meeting_actions.do_decide_observer(observer, approve=request.POST.get("approve") == "1", actor=actor)


def _open_review(meeting: Meeting, request: HttpRequest, actor: Actor) -> object:
    plan = PlanInput(
        feasibility=text(request, "feasibility"),
        plan=text(request, "plan"),
        budget=text(request, "budget").strip(),
        staffing=text(request, "staffing"),
        starts_on=required_day(request, "starts_on"),
        ends_on=required_day(request, "ends_on"),
    )
    return do_open_review_poll(
        _topic(meeting, text(request, "topic")),
        meeting,
        plan,
        actor=actor,
        secret=request.POST.get("secret") == "1",
    )


OPERATIONS: dict[str, Callable[[Meeting, HttpRequest, Actor], object]] = {
    "open": lambda m, r, a: meeting_actions.do_open_meeting(m, actor=a),
    "close": lambda m, r, a: meeting_actions.do_close_meeting(m, actor=a),
    "sign_in": lambda m, r, a: meeting_actions.do_sign_in(
        m, _member(m, r.POST.get("person", "")), method="staff", actor=a
    ),
    "agenda": lambda m, r, a: meeting_actions.do_add_to_agenda(
        m, _topic(m, r.POST.get("topic", "")), actor=a
    ),
    "open_poll": lambda m, r, a: do_open_topic_poll(
        _topic(m, r.POST.get("topic", "")), m, actor=a, secret=r.POST.get("secret") == "1"
    ),
    "close_poll": lambda m, r, a: do_close_topic_poll(_topic(m, r.POST.get("topic", "")), actor=a),
    "open_review": _open_review,
    "close_review": lambda m, r, a: do_close_review_poll(_topic(m, r.POST.get("topic", "")), actor=a),
    "resolve": _resolve,
    "minutes": lambda m, r, a: meeting_actions.do_record_minutes(m, r.POST.get("minutes", ""), actor=a),
    "decision": lambda m, r, a: meeting_actions.do_add_decision(m, r.POST.get("text", ""), actor=a),
    "observer": _observer,
}


@login_required
def run_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    person, meeting = _managed_meeting(request, pk)
    if request.method == "POST":
        operation = OPERATIONS.get(request.POST.get("op", ""))
        if operation is None:
            messages.error(request, _("未知的操作"))
        else:
            try:
                operation(meeting, request, staff_actor(person, meeting.council))
            except ActionError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("已保存"))
        return redirect("deliberation:run", pk=pk)
    members = list(
        Membership.objects.filter(council=meeting.council, is_active=True)
        .select_related("person")
        .order_by("person__name")
    )
    signed = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    agenda = [
        item.topic
        for item in meeting.agenda.select_related("topic__poll", "topic__review_poll", "topic__proposer")
    ]
    candidates = list(
        Topic.objects.filter(council=meeting.council)
        .exclude(agenda_items__meeting=meeting)
        .select_related("proposer")
        .order_by("-proposed_at")[:50]
    )
    states = instances_for(candidates)
    sign_in_url = request.build_absolute_uri(
        reverse("deliberation:qr_sign_in", args=[meeting.pk, meeting_actions.sign_in_token(meeting)])
    )
    return render(
        request,
        "deliberation/run.html",
        {
            "meeting": meeting,
            "quorum": meeting_actions.quorum(meeting),
            "members": [(m, signed.get(m.person_id)) for m in members],
            "agenda": topic_rows(agenda),
            "candidates": [
                t for t in candidates if t.pk in states and states[t.pk].state in SUPERVISED_STATES
            ],
            "observers": list(meeting.observer_requests.select_related("person").order_by("created_at")),
            "decisions": list(meeting.decisions.all()),
            "pending": ObserverState.PENDING,
            "qr_svg": segno.make(sign_in_url, error="m").svg_inline(scale=5),
            "sign_in_url": sign_in_url,
            "sign_in_minutes": settings.MINYI_MEETING_SIGN_IN_MINUTES,
        },
    )


@login_required
def minutes_file(request: HttpRequest, pk: int) -> HttpResponse:
    _person, meeting = _managed_meeting(request, pk)
    response = HttpResponse(
        minutes_docx(meeting),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}-minutes.docx"'
    return response


urlpatterns = [
    path("meetings/<int:pk>/run/", run_meeting, name="run"),
    path("meetings/<int:pk>/minutes.docx", minutes_file, name="minutes_docx"),
]
