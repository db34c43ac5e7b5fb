"""Staff pages of a round (P1/P2): create it, screen, record department opinions, fix the shortlist,
open and close the vote, publish, import a pabulib file. Each view parses a form, asks the named rule
(rules.py) and calls the action; an action's refusal comes back as a form error and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minyi.core.actors import Actor
from minyi.core.engine.labels import describe
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person
from minyi.projects.actions.pabulib_io import do_import_pabulib
from minyi.projects.actions.projects import (
    ScreeningInput,
    do_recommend_from_voice,
    do_record_opinion,
    do_screen_project,
)
from minyi.projects.actions.rounds import (
    RoundInput,
    do_cancel_round,
    do_close_vote,
    do_create_round,
    do_open_vote,
    do_publish_round,
    do_shortlist,
    do_start_consulting,
    do_start_screening,
    instance_for,
)
from minyi.projects.forms import (
    ImportForm,
    OpinionForm,
    ReasonForm,
    RoundForm,
    ScreeningForm,
    ShortlistForm,
    VoiceRecommendationForm,
    apply_error,
)
from minyi.projects.models import DepartmentOpinion, Project, ProjectStatus, Round, RoundState
from minyi.voices.queries import visible_voices

# Projects that passed screening, whatever happened to them afterwards.
PASSED_SCREENING = (
    ProjectStatus.SCREENED_IN,
    ProjectStatus.SHORTLISTED,
    ProjectStatus.ELECTED,
    ProjectStatus.NOT_ELECTED,
)

# step → (named rule, message once done)
STEPS: dict[str, tuple[str, Any]] = {
    "start_screening": ("projects.start_screening", gettext_lazy("已截止推荐，进入筛选阶段")),
    "start_consulting": ("projects.start_consulting", gettext_lazy("已进入征求部门意见阶段")),
    "cancel": ("projects.cancel_round", gettext_lazy("本轮已撤销")),
    "shortlist": ("projects.fix_shortlist", gettext_lazy("候选名单已确定")),
    "open_vote": ("projects.open_vote", gettext_lazy("代表票决已开始")),
    "close_vote": ("projects.close_vote", gettext_lazy("票决已截止并完成计票")),
    "publish": ("projects.publish_round", gettext_lazy("票决结果已公布")),
    "import": ("projects.import_pabulib", gettext_lazy("pabulib 文件已导入并完成计算")),
    "from_voice": ("projects.recommend_from_voice", gettext_lazy("民情事项已转为推荐项目")),
}


def _round(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("unit", "poll"), pk=pk)


def _allowed(person: Person, round_: Round) -> dict[str, bool]:
    return {step: person.has_perm(rule, round_) for step, (rule, _done) in STEPS.items()}


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not person.has_perm("projects.create_round"):
        raise PermissionDenied
    form = RoundForm(request.POST or None, person=person)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if not person.has_perm("projects.create_round", data["unit"]):
                raise PermissionDenied
            try:
                round_ = do_create_round(
                    RoundInput(
                        unit=data["unit"],
                        year=data["year"],
                        title=data["title"],
                        seats=data["seats"],
                        budget=data["budget"] or None,
                        selection_rule=data["selection_rule"],
                        tie_rule=data["tie_rule"],
                        min_votes=data["min_votes"],
                        mes_completion=data["mes_completion"],
                        threshold_numerator=data["threshold_numerator"],
                        threshold_denominator=data["threshold_denominator"],
                        threshold_strict=data["threshold_strict"],
                    ),
                    actor=Actor(person=person),
                )
            except ActionError as error:
                apply_error(form, error)
                status = error.status
            else:
                messages.success(request, _("票决轮次已创建"))
                return redirect("projects:round_manage", round_.pk)
    return render(request, "projects/staff/round_new.html", {"form": form}, status=status)


def _manage_context(person: Person, round_: Round, **bound: forms.Form) -> dict[str, Any]:
    projects = list(
        Project.objects.filter(round=round_)
        .exclude(status=ProjectStatus.WITHDRAWN)
        .select_related("unit")
        .annotate(n_opinions=Count("opinions"))
        .order_by("status", "pk")
    )
    instance = instance_for(round_)
    return {
        "round": round_,
        "state_label": describe(instance).state,
        "projects": projects,
        "screened_in": sum(1 for p in projects if p.status in PASSED_SCREENING),
        "unscreened": sum(1 for p in projects if p.status == ProjectStatus.RECOMMENDED),
        "allowed": _allowed(person, round_),
        "may_screen": person.has_perm("projects.screen_recommendation", round_),
        "step_form": bound.get("step_form"),
        "cancel_form": bound.get("cancel_form") or ReasonForm(),
        "shortlist_form": bound.get("shortlist_form") or ShortlistForm(round_=round_),
        "import_form": bound.get("import_form") or ImportForm(),
        "voice_form": bound.get("voice_form") or VoiceRecommendationForm(),
        "poll": round_.poll,
        "published": round_.state == RoundState.PUBLISHED,
    }


@login_required
def round_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's staff page: where it stands and the forms that can be used now."""
    round_ = _round(pk)
    person = current_person(request)
    if not person.has_perm("projects.manage_round", round_):
        raise PermissionDenied
    return render(request, "projects/staff/round_manage.html", _manage_context(person, round_))


def _step_form(step: str, round_: Round, request: HttpRequest) -> tuple[str, forms.Form]:
    """The bound form of a step (an empty one for the steps that take no input) and its context name."""
    if step == "cancel":
        return "cancel_form", ReasonForm(request.POST)
    if step == "shortlist":
        return "shortlist_form", ShortlistForm(request.POST, round_=round_)
    if step == "import":
        return "import_form", ImportForm(request.POST, request.FILES)
    if step == "from_voice":
        return "voice_form", VoiceRecommendationForm(request.POST)
    return "step_form", forms.Form(request.POST)


def _act(step: str, round_: Round, data: dict[str, Any], actor: Actor) -> None:
    simple: dict[str, Callable[..., Round]] = {
        "start_screening": do_start_screening,
        "start_consulting": do_start_consulting,
        "open_vote": do_open_vote,
        "close_vote": do_close_vote,
        "publish": do_publish_round,
    }
    if step in simple:
        simple[step](round_, actor=actor)
    elif step == "cancel":
        do_cancel_round(round_, reason=data["reason"], actor=actor)
    elif step == "shortlist":
        do_shortlist(round_, list(data["projects"]), actor=actor)
    elif step == "from_voice":
        # Only an item the officer may see can be turned into a recommendation.
        voice = visible_voices(actor.person).filter(tracking_code__iexact=data["tracking_code"].strip()).first()
        if voice is None:
            raise ActionError("voice_not_found", _("找不到该编号的民情事项"), {"field": "tracking_code"})
        do_recommend_from_voice(voice, round_, actor=actor, cost=data["cost"])
    else:
        try:
            text = data["file"].read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ActionError("file_encoding", _("文件须为 UTF-8 编码的文本"), {"field": "file"}) from None
        do_import_pabulib(round_, text, actor=actor)


@login_required
@require_POST
def round_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    round_ = _round(pk)
    person = current_person(request)
    rule, done = STEPS[step]
    if not person.has_perm(rule, round_):
        raise PermissionDenied
    name, form = _step_form(step, round_, request)
    status = 400
    if form.is_valid():
        try:
            _act(step, round_, form.cleaned_data, Actor(person=person))
        except ActionError as error:
            apply_error(form, error)
            status = error.status
        else:
            messages.success(request, str(done))
            return redirect("projects:round_manage", round_.pk)
    context = _manage_context(person, _round(pk), **{name: form})
    return render(request, "projects/staff/round_manage.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """筛选完善: the stations' list of recommendations, each with include / leave out and a public reason."""
    round_ = _round(pk)
    person = current_person(request)
    may_screen = person.has_perm("projects.screen_recommendation", round_)
    if not (may_screen or person.has_perm("projects.manage_round", round_)):
        raise PermissionDenied
    bound: ScreeningForm | None = None
    status = 200
    if request.method == "POST":
        if not may_screen:
            raise PermissionDenied
        bound = ScreeningForm(request.POST)
        status = 400
        if bound.is_valid():
            data = bound.cleaned_data
            project = get_object_or_404(Project, pk=data["project"], round=round_)
            try:
                do_screen_project(
                    project,
                    ScreeningInput(
                        include=data["include"],
                        reason=data["reason"],
                        cost=data["cost"] or None,
                        place=data["place"],
                        beneficiaries=data["beneficiaries"],
                    ),
                    actor=Actor(person=person),
                )
            except ActionError as error:
                apply_error(bound, error)
                status = error.status
            else:
                messages.success(request, _("已筛选：%(title)s") % {"title": project.title})
                return redirect("projects:screen", round_.pk)
    projects = list(Project.objects.filter(round=round_).select_related("unit").order_by("status", "pk"))
    rows = []
    for p in projects:
        if bound is not None and bound.data.get("project") == str(p.pk):
            form = bound
        else:
            form = ScreeningForm(
                initial={"project": p.pk, "cost": p.cost, "place": p.place, "beneficiaries": p.beneficiaries},
                auto_id=f"id_{p.pk}_%s",
            )
        rows.append({"project": p, "form": form})
    if bound is not None:
        bound.auto_id = f"id_{bound.data.get('project')}_%s"
    return render(
        request,
        "projects/screen.html",
        {"round": round_, "rows": rows, "may_screen": may_screen},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def opinions(request: HttpRequest, pk: int) -> HttpResponse:
    """征求部门意见: each screened-in project with the departments' opinions, and the form to record one."""
    round_ = _round(pk)
    person = current_person(request)
    if not person.has_perm("projects.manage_round", round_):
        raise PermissionDenied
    may_record = person.has_perm("projects.record_opinion", round_)
    form = OpinionForm(request.POST or None, round_=round_)
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                do_record_opinion(
                    data["project"],
                    data["department"],
                    data["stance"],
                    data["text"],
                    actor=Actor(person=person),
                )
            except ActionError as error:
                apply_error(form, error)
                status = error.status
            else:
                messages.success(request, _("部门意见已记录"))
                return redirect("projects:opinions", round_.pk)
    projects = list(
        Project.objects.filter(round=round_, status=ProjectStatus.SCREENED_IN)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "opinions",
                DepartmentOpinion.objects.select_related("department").order_by("department__name"),
            )
        )
        .order_by("pk")
    )
    return render(
        request,
        "projects/staff/opinions.html",
        {"round": round_, "projects": projects, "form": form, "may_record": may_record},
        status=status,
    )


urlpatterns = [
    path("rounds/new/", round_new, name="round_new"),
    path("rounds/<int:pk>/manage/", round_manage, name="round_manage"),
    path("rounds/<int:pk>/manage/<slug:step>/", round_step, name="round_step"),
    path("rounds/<int:pk>/screen/", screen, name="screen"),
    path("rounds/<int:pk>/opinions/", opinions, name="opinions"),
]
