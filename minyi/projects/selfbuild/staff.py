"""P5 staff page of one self-build round: where it stands in 民议→民定→民建→民评→民管 and the forms of
the current stage; finance and audit raise findings, the committee answers them; the villagers' vote page.
Each form is parsed, the named rule (rules.py) asked, the action called; its refusal is a form error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minyi.ballots.actions import do_cast_ballot
from minyi.ballots.models import Method, Poll, PollState
from minyi.core.actors import Actor
from minyi.core.engine.labels import describe
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person, Unit
from minyi.projects.delivery.actions import (
    MilestoneInput,
    PaymentInput,
    do_add_milestone,
    do_answer_finding,
    do_complete_milestone,
    do_raise_finding,
    do_record_payment,
    findings_of,
)
from minyi.projects.delivery.models import Finding
from minyi.projects.forms import apply_error
from minyi.projects.rules import selfbuild_stage
from minyi.projects.selfbuild import forms as sf
from minyi.projects.selfbuild.actions import (
    NeedInput,
    SelfBuildInput,
    deliveries_of,
    do_add_need,
    do_conclude_acceptance,
    do_create_selfbuild,
    do_decide,
    do_finish_building,
    do_log_maintenance,
    do_open_acceptance_vote,
    do_open_village_vote,
    do_record_discussion,
    do_record_procurement,
    instance_for,
)
from minyi.projects.selfbuild.models import SelfBuildRound
from minyi.projects.selfbuild.views import STAGES

# form name → (named rule, form class, done message)
FORMS: dict[str, tuple[str, Any, Any]] = {
    "need": ("projects.selfbuild_discuss", sf.NeedForm, gettext_lazy("民议：需求已收集")),
    "discussion": (
        "projects.selfbuild_discuss",
        sf.DiscussionForm,
        gettext_lazy("民议：议事会议已记录，进入民定"),
    ),
    "decision_vote": ("projects.selfbuild_decide", sf.VoteForm, gettext_lazy("民定：村民会议表决已发起")),
    "decide": ("projects.selfbuild_decide", sf.DecideForm, gettext_lazy("民定：票决结果已公布，进入民建")),
    "procurement": ("projects.selfbuild_build", sf.ProcurementForm, gettext_lazy("民建：询价、合同已公开")),
    "payment": ("projects.selfbuild_build", sf.PaymentForm, gettext_lazy("民建：支付已公开")),
    "milestone": ("projects.selfbuild_build", sf.MilestoneForm, gettext_lazy("民建：施工节点已添加")),
    "complete": ("projects.selfbuild_build", sf.CompleteForm, gettext_lazy("民建：节点已完成")),
    "finish": ("projects.selfbuild_build", forms.Form, gettext_lazy("民建：已完工，进入民评")),
    "acceptance_vote": ("projects.selfbuild_evaluate", sf.VoteForm, gettext_lazy("民评：验收表决已发起")),
    "conclude": ("projects.selfbuild_evaluate", sf.ConcludeForm, gettext_lazy("民评：验收结果已记录")),
    "maintenance": ("projects.selfbuild_maintain", sf.MaintenanceForm, gettext_lazy("民管：管护记录已保存")),
    "finding": ("projects.raise_finding", sf.FindingForm, gettext_lazy("监督意见已提出")),
    "answer": ("projects.answer_finding", sf.AnswerForm, gettext_lazy("监督意见已答复")),
}


def _round(pk: int) -> SelfBuildRound:
    return get_object_or_404(
        SelfBuildRound.objects.select_related("village", "caretaker", "decision_poll", "acceptance_poll"),
        pk=pk,
    )


def _make(name: str, round_: SelfBuildRound, data: Any = None, files: Any = None) -> forms.Form:
    form_class = FORMS[name][1]
    kwargs: dict[str, Any] = {"prefix": name}
    if form_class is sf.ProcurementForm:
        kwargs["round_"] = round_
    if form_class in (sf.PaymentForm, sf.MilestoneForm, sf.CompleteForm):
        kwargs["deliveries"] = deliveries_of(round_)
    if name in ("discussion", "maintenance", "payment", "milestone", "complete"):
        today = timezone.localdate()
        kwargs["initial"] = {
            f: today for f in ("held_on", "done_on", "paid_on", "planned_start", "actual_end")
        }
    return form_class(data, files, **kwargs) if data is not None else form_class(**kwargs)


def _context(
    person: Person, round_: SelfBuildRound, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    allowed = {
        name: person.has_perm(rule, round_) for name, (rule, _c, _d) in FORMS.items() if name != "answer"
    }
    state = selfbuild_stage(round_)
    findings = findings_of(round_)
    answerable = [
        f for f in findings if f.answered_at is None and person.has_perm("projects.answer_finding", f)
    ]
    return {
        "round": round_,
        "stage": state,
        "stage_label": describe(instance_for(round_)).state,
        "stages": [(s, STAGES.index(s) <= STAGES.index(state) if state in STAGES else True) for s in STAGES],
        "needs": list(round_.needs.order_by("rank", "pk")),
        "deliveries": deliveries_of(round_),
        "findings": findings,
        "answerable": {f.pk for f in answerable},
        "allowed": allowed,
        "forms": {name: bound.get(name) or _make(name, round_) for name, ok in allowed.items() if ok},
        "answer_form": bound.get("answer"),
        "answer_for": bound["answer"].data.get("answer-finding") if "answer" in bound else None,
    }


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    person = current_person(request)
    if not (
        person.has_perm("projects.manage_selfbuild", round_)
        or person.has_perm("projects.raise_finding", round_)
        or person.has_perm("projects.selfbuild_maintain", round_)
    ):
        raise PermissionDenied
    return render(request, "projects/selfbuild/manage.html", _context(person, round_))


def _act(name: str, round_: SelfBuildRound, data: dict[str, Any], actor: Actor) -> None:
    def need() -> Any:
        return do_add_need(
            round_,
            NeedInput(data["title"], data["description"], data["cost"], data["place"], data["raised_by"]),
            actor=actor,
        )

    def payment() -> Any:
        return do_record_payment(
            data["delivery"],
            PaymentInput(data["amount"], data["paid_on"], data["payee"], data["purpose"]),
            document=data["document"],
            actor=actor,
        )

    def answer() -> Any:
        finding = Finding.objects.filter(
            pk=data["finding"], pk__in=[f.pk for f in findings_of(round_)]
        ).first()
        if finding is None:
            raise Http404
        return do_answer_finding(finding, data["answer"], actor=actor)

    steps: dict[str, Callable[[], Any]] = {
        "need": need,
        "discussion": lambda: do_record_discussion(
            round_, record=data["record"], held_on=data["held_on"], attendance=data["attendance"], actor=actor
        ),
        "decision_vote": lambda: do_open_village_vote(
            round_, electorate=data["electorate"], present=data["present"], actor=actor
        ),
        "decide": lambda: do_decide(round_, committee=data["committee"], actor=actor),
        "procurement": lambda: do_record_procurement(
            data["need"],
            kind=data["kind"],
            supplier=data["supplier"],
            amount=data["amount"],
            document=data["document"],
            actor=actor,
        ),
        "payment": payment,
        "milestone": lambda: do_add_milestone(
            data["delivery"],
            MilestoneInput(data["title"], data["planned_start"], data["planned_end"], data["weight"]),
            actor=actor,
        ),
        "complete": lambda: do_complete_milestone(
            data["milestone"], actual_end=data["actual_end"], actor=actor
        ),
        "finish": lambda: do_finish_building(round_, actor=actor),
        "acceptance_vote": lambda: do_open_acceptance_vote(
            round_, electorate=data["electorate"], present=data["present"], actor=actor
        ),
        "conclude": lambda: do_conclude_acceptance(
            round_, caretaker=data["caretaker"], reason=data["reason"], actor=actor
        ),
        "maintenance": lambda: do_log_maintenance(
            round_, kind=data["kind"], done_on=data["done_on"], text=data["text"], actor=actor
        ),
        "finding": lambda: do_raise_finding(round_, unit=round_.village, text=data["text"], actor=actor),
        "answer": answer,
    }
    steps[name]()


@login_required
@require_POST
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if name not in FORMS:
        raise Http404
    round_ = _round(pk)
    person = current_person(request)
    rule, _form_class, done = FORMS[name]
    if name == "answer":
        allowed = any(f.answered_at is None and person.has_perm(rule, f) for f in findings_of(round_))
    else:
        allowed = person.has_perm(rule, round_)
    if not allowed:
        raise PermissionDenied
    form = _make(name, round_, request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            _act(name, round_, form.cleaned_data, Actor(person=person))
        except ActionError as error:
            apply_error(form, error)
            status = error.status
        else:
            messages.success(request, str(done))
            return redirect("projects:selfbuild_manage", round_.pk)
    return render(
        request, "projects/selfbuild/manage.html", _context(person, _round(pk), {name: form}), status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, village_id: int) -> HttpResponse:
    village = get_object_or_404(Unit, pk=village_id)
    person = current_person(request)
    if not person.has_perm("projects.create_selfbuild", village):
        raise PermissionDenied
    form = sf.SelfBuildForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                round_ = do_create_selfbuild(
                    village,
                    SelfBuildInput(data["title"], data["year"], data["budget"]),
                    actor=Actor(person=person),
                )
            except ActionError as error:
                apply_error(form, error)
                status = error.status
            else:
                return redirect("projects:selfbuild_manage", round_.pk)
    return render(request, "projects/selfbuild/new.html", {"village": village, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """The villagers' ballot: the open decision vote (民定) or acceptance vote (民评)."""
    round_ = _round(pk)
    person = current_person(request)
    poll: Poll | None = next(
        (
            p
            for p in (round_.decision_poll, round_.acceptance_poll)
            if p is not None and p.state == PollState.OPEN
        ),
        None,
    )
    if poll is None:
        raise Http404
    options = list(poll.options.order_by("position"))
    error, receipt = None, None
    if request.method == "POST":
        choices: Any = (
            request.POST.get("choice", "") if poll.method == Method.YES_NO else request.POST.getlist("choice")
        )
        try:
            receipt = do_cast_ballot(poll, choices, actor=Actor(person=person)).receipt
        except ActionError as exc:
            error = exc
    return render(
        request,
        "projects/selfbuild/vote.html",
        {
            "round": round_,
            "poll": poll,
            "options": options,
            "yes_no": poll.method == Method.YES_NO,
            "seats": poll.rule.get("seats"),
            "error": error,
            "receipt": receipt,
        },
    )


urlpatterns = [
    path("village/<int:village_id>/selfbuild/new/", create, name="selfbuild_new"),
    path("selfbuild/<int:pk>/manage/", manage, name="selfbuild_manage"),
    path("selfbuild/<int:pk>/manage/<slug:name>/", step, name="selfbuild_step"),
    path("selfbuild/<int:pk>/vote/", vote, name="selfbuild_vote"),
]
