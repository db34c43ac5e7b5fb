"""P5 pages: the village board (村务公开栏, public) and one self-build round's stage view."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from minyi.core.engine.labels import describe
from minyi.core.models import Unit
from minyi.projects.delivery.actions import findings_of
from minyi.projects.selfbuild.actions import deliveries_of, instance_for, yearly_check_due
from minyi.projects.selfbuild.models import SelfBuildRound

STAGES = ("discussing", "deciding", "building", "evaluating", "maintaining")


def village_board(request: HttpRequest, village_id: int) -> HttpResponse:
    village = Unit.objects.filter(pk=village_id).first()
    if village is None:
        raise Http404
    rounds = list(SelfBuildRound.objects.filter(village=village).order_by("-year", "-pk"))
    return render(
        request,
        "projects/selfbuild/board.html",
        {
            "village": village,
            "rounds": rounds,
            "may_create": request.user.has_perm("projects.create_selfbuild", village),
        },
    )


def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = (
        SelfBuildRound.objects.select_related("village", "caretaker", "decision_poll", "acceptance_poll")
        .filter(pk=pk)
        .first()
    )
    if round_ is None:
        raise Http404
    instance = instance_for(round_)
    needs = list(round_.needs.prefetch_related("procurements__document"))
    return render(
        request,
        "projects/selfbuild/round.html",
        {
            "round": round_,
            "stage": instance.state,
            "stage_label": describe(instance).state,
            "stages": [
                (s, STAGES.index(s) <= STAGES.index(instance.state) if instance.state in STAGES else True)
                for s in STAGES
            ],
            "needs": needs,
            "deliveries": deliveries_of(round_),
            "maintenance": list(round_.maintenance.all()[:50]),
            "check_due": instance.state == "maintaining" and yearly_check_due(round_),
            "findings": findings_of(round_),
            "may_manage": any(
                request.user.has_perm(rule, round_)
                for rule in (
                    "projects.manage_selfbuild",
                    "projects.raise_finding",
                    "projects.selfbuild_maintain",
                )
            ),
            "vote_open": any(
                p is not None and p.state == "open" for p in (round_.decision_poll, round_.acceptance_poll)
            ),
        },
    )


urlpatterns = [
    path("village/<int:village_id>/", village_board, name="village_board"),
    path("selfbuild/<int:pk>/", round_page, name="selfbuild"),
]
