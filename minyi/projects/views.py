"""Pages: the year's project list, a round's public results, recommending, screening, the ballot."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from minyi.ballots.actions import do_cast_ballot
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Unit
from minyi.projects.actions.projects import RecommendationInput, do_recommend_project
from minyi.projects.models import Project, ProjectCategory, ProjectStatus, Round, RoundState


def year_list(request: HttpRequest) -> HttpResponse:
    """The year's projects with their status (public)."""
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.now().year
    projects = list(
        Project.objects.filter(round__year=year)
        .exclude(status=ProjectStatus.WITHDRAWN)
        .select_related("round", "unit")
        .order_by("round_id", "-votes", "pk")
    )
    rounds = list(Round.objects.filter(year=year).select_related("unit").order_by("unit__path", "pk"))
    return render(
        request,
        "projects/year.html",
        {
            "year": year,
            "projects": projects,
            "rounds": rounds,
            "may_create": request.user.has_perm("projects.create_round"),
        },
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A round's public page: its projects, screening reasons, and once counted the results explained."""
    round_ = get_object_or_404(Round.objects.select_related("unit", "poll"), pk=pk)
    projects = list(Project.objects.filter(round=round_).select_related("unit").order_by("pk"))
    decisions: dict[str, Any] = (
        (round_.result or {}).get("projects", {}) if round_.state == RoundState.PUBLISHED else {}
    )
    rows: list[dict[str, Any]] = [{"project": p, "decision": decisions.get(str(p.pk))} for p in projects]
    if decisions:
        # Published: most votes first (the decisions' rank), projects outside the vote last.
        rows.sort(
            key=lambda r: (r["decision"] is None, (r["decision"] or {}).get("rank", 0), r["project"].pk)
        )
    user = request.user
    return render(
        request,
        "projects/round.html",
        {
            "round": round_,
            "rows": rows,
            "published": bool(decisions),
            "may_manage": user.has_perm("projects.manage_round", round_),
            "may_screen": user.has_perm("projects.screen_recommendation", round_),
            "may_vote": user.has_perm("projects.vote_in_round", round_),
            "collecting": round_.state == RoundState.COLLECTING,
        },
    )


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("round__unit", "unit"), pk=pk)
    opinions = list(project.opinions.select_related("department").order_by("department__name"))
    return render(request, "projects/project.html", {"project": project, "opinions": opinions})


@login_required
@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("unit"), pk=pk)
    person = current_person(request)
    units = list(Unit.objects.filter(path__startswith=round_.unit.path).order_by("path"))
    error = None
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        beneficiaries = request.POST.get("beneficiaries", "")
        try:
            project = do_recommend_project(
                round_,
                RecommendationInput(
                    title=request.POST.get("title", ""),
                    description=request.POST.get("description", ""),
                    unit=unit,
                    cost=request.POST.get("cost") or None,
                    place=request.POST.get("place", ""),
                    beneficiaries=int(beneficiaries) if beneficiaries.isdigit() else None,
                    category=request.POST.get("category", ProjectCategory.OTHER),
                ),
                actor=Actor(person=person),
            )
            return redirect("projects:project", project.pk)
        except ActionError as exc:
            error = exc
    return render(
        request,
        "projects/recommend.html",
        {
            "round": round_,
            "units": units,
            "categories": ProjectCategory.choices,
            "error": error,
            "data": request.POST,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("unit", "poll"), pk=pk)
    person = current_person(request)
    poll = round_.poll
    if poll is None:
        raise Http404
    options = list(poll.options.order_by("position"))
    error, receipt = None, None
    if request.method == "POST":
        try:
            receipt = do_cast_ballot(poll, request.POST.getlist("choice"), actor=Actor(person=person)).receipt
        except ActionError as exc:
            error = exc
    seats = poll.rule.get("seats")
    return render(
        request,
        "projects/ballot.html",
        {
            "round": round_,
            "poll": poll,
            "options": options,
            "seats": seats,
            "error": error,
            "receipt": receipt,
        },
    )


urlpatterns = [
    path("", year_list, name="year"),
    path("rounds/<int:pk>/", round_detail, name="round"),
    path("rounds/<int:pk>/recommend/", recommend, name="recommend"),
    path("rounds/<int:pk>/ballot/", ballot, name="ballot"),
    path("<int:pk>/", project_detail, name="project"),
]
