"""Members' phone pages (我的议事): my meetings, QR sign-in, voting, supervised topics; proposing; observing."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minyi.ballots.actions import do_cast_ballot
from minyi.ballots.models import Elector, Poll, PollState
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.deliberation.actions.meetings import do_apply_to_observe, do_sign_in
from minyi.deliberation.actions.topics import (
    TopicInput,
    do_propose_topic,
    do_report_progress,
    do_submit_resident_topic,
    do_supervise_topic,
)
from minyi.deliberation.models import (
    Area,
    Attendance,
    Council,
    Meeting,
    Membership,
    SignInMethod,
    Supervision,
    Topic,
)
from minyi.deliberation.predicates import is_member_of
from minyi.deliberation.views.common import get_or_404, member_actor, topic_rows


@login_required
def me(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    council_ids = list(
        Membership.objects.filter(person=person, is_active=True).values_list("council_id", flat=True)
    )
    since = timezone.now() - dt.timedelta(days=1)
    meetings = list(
        Meeting.objects.filter(council_id__in=council_ids, starts_at__gte=since)
        .select_related("council")
        .order_by("starts_at")[:10]
    )
    signed = set(
        Attendance.objects.filter(person=person, meeting__in=meetings).values_list("meeting_id", flat=True)
    )
    open_polls = list(
        Poll.objects.filter(
            state=PollState.OPEN,
            subject_type="deliberation.topic",
            pk__in=Elector.objects.filter(person=person, voted=False).values("poll_id"),
        ).order_by("opened_at")
    )
    supervised = [
        s.topic
        for s in Supervision.objects.filter(person=person)
        .select_related("topic__council", "topic__proposer")
        .order_by("-created_at")[:20]
    ]
    return render(
        request,
        "deliberation/me.html",
        {
            "meetings": [(m, m.pk in signed) for m in meetings],
            "open_polls": open_polls,
            "supervised": topic_rows(supervised),
            "is_member": bool(council_ids),
            "councils": Council.objects.filter(pk__in=council_ids),
        },
    )


class TopicForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("议题"), max_length=100)
    description = forms.CharField(
        label=gettext_lazy("内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000
    )
    area = forms.ChoiceField(label=gettext_lazy("所属方面"), choices=Area.choices)


@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Members propose (提出议题权); anyone else's proposal enters as a resident's (征集议题)."""
    person = current_person(request)
    council = get_or_404(Council.objects.select_related("unit"), pk=pk, is_active=True)
    member = is_member_of(person, council)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = TopicInput(**form.cleaned_data)
        action = do_propose_topic if member else do_submit_resident_topic
        try:
            topic = action(council, data, actor=member_actor(person))
        except ActionError as error:
            form.add_error(
                error.details.get("field") if error.details.get("field") in form.fields else None,
                error.message,
            )
        else:
            messages.success(request, _("议题已提交并公开，等待社区“两委”商议"))
            return redirect("deliberation:topic", pk=topic.pk)
    return render(
        request,
        "deliberation/propose.html",
        {"form": form, "council": council, "member": member},
        status=400 if form.errors else 200,
    )


@login_required
def qr_sign_in(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The page the meeting's QR code opens; one tap (POST) signs the member in."""
    person = current_person(request)
    meeting = get_or_404(Meeting.objects.select_related("council__unit"), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            do_sign_in(meeting, person, method=SignInMethod.QR, token=token, actor=member_actor(person))
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, _("签到成功"))
            return redirect("deliberation:me")
    signed = Attendance.objects.filter(meeting=meeting, person=person).exists()
    return render(
        request,
        "deliberation/sign_in.html",
        {"meeting": meeting, "error": error, "signed": signed},
        status=400 if error else 200,
    )


@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's ballot on a council poll, cast through minyi.ballots (do_cast_ballot)."""
    person = current_person(request)
    poll = get_or_404(Poll.objects.select_related("unit"), pk=pk, subject_type="deliberation.topic")
    topic = Topic.objects.filter(pk=int(poll.subject_id)).first()
    error, receipt = "", ""
    if request.method == "POST":
        try:
            receipt = do_cast_ballot(poll, request.POST.get("choice", ""), actor=member_actor(person)).receipt
        except ActionError as exc:
            error = exc.message
    elector = Elector.objects.filter(poll=poll, person=person).first()
    return render(
        request,
        "deliberation/vote.html",
        {"poll": poll, "topic": topic, "elector": elector, "error": error, "receipt": receipt},
        status=400 if error else 200,
    )


def _redirect_with(
    request: HttpRequest, error: ActionError | None, ok: str, to: str, pk: int
) -> HttpResponse:
    if error is not None:
        messages.error(request, error.message)
    else:
        messages.success(request, ok)
    return redirect(to, pk=pk)


@login_required
@require_POST
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    topic = get_or_404(Topic.objects.select_related("council"), pk=pk)
    try:
        do_supervise_topic(topic, actor=member_actor(person))
    except ActionError as error:
        return _redirect_with(request, error, "", "deliberation:topic", pk)
    return _redirect_with(request, None, _("已加入督办，办理进展将通知您"), "deliberation:topic", pk)


@login_required
@require_POST
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    topic = get_or_404(Topic.objects.select_related("council__unit"), pk=pk)
    try:
        do_report_progress(topic, request.POST.get("text", ""), actor=member_actor(person))
    except ActionError as error:
        return _redirect_with(request, error, "", "deliberation:topic", pk)
    return _redirect_with(request, None, _("办理进展已公开"), "deliberation:topic", pk)


@login_required
@require_POST
def observe(request: HttpRequest, pk: int) -> HttpResponse:
    person = current_person(request)
    meeting = get_or_404(Meeting.objects.select_related("council__unit"), pk=pk)
    try:
        do_apply_to_observe(meeting, actor=member_actor(person), note=request.POST.get("note", ""))
    except ActionError as error:
        return _redirect_with(request, error, "", "deliberation:meeting", pk)
    return _redirect_with(request, None, _("列席申请已提交，等待社区审核"), "deliberation:meeting", pk)


urlpatterns = [
    path("me/", me, name="me"),
    path("councils/<int:pk>/propose/", propose, name="propose"),
    path("meetings/<int:pk>/sign-in/<str:token>/", qr_sign_in, name="qr_sign_in"),
    path("meetings/<int:pk>/observe/", observe, name="observe"),
    path("polls/<int:pk>/vote/", vote, name="vote"),
    path("topics/<int:pk>/supervise/", supervise, name="supervise"),
    path("topics/<int:pk>/progress/", report_progress, name="progress"),
]
