"""P4 pages: the effect results for the next deputies' assembly (public figures once published), the
evaluations under way, completed projects with their due dates, and the staff steps (start early,
attach a closed survey's result, record what was reported to the assembly); the list as a .docx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person, Unit
from minyi.core.models.units import subtree_q
from minyi.projects.effect.actions import (
    do_attach_effect_result,
    do_mark_reported,
    do_start_effect_evaluation,
)
from minyi.projects.effect.document import assembly_docx
from minyi.projects.effect.models import EffectEvaluation
from minyi.projects.effect.report import result_rows, under_way, upcoming
from minyi.projects.models import Project

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _unit(request: HttpRequest) -> Unit | None:
    value = request.GET.get("unit") or request.POST.get("unit") or ""
    if not value:
        return None
    unit = Unit.objects.filter(pk=int(value) if value.isdigit() else 0).first()
    if unit is None:
        raise Http404
    return unit


def _viewer(request: HttpRequest) -> Person | None:
    return current_person(request) if request.user.is_authenticated else None


def _back(unit: Unit | None, error: str = "") -> HttpResponse:
    query = {k: v for k, v in (("unit", unit.pk if unit else ""), ("error", error)) if v}
    return redirect(f"{reverse('projects:effect')}{'?' + urlencode(query) if query else ''}")


def assembly(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    person = _viewer(request)
    return render(
        request,
        "projects/effect/assembly.html",
        {
            "unit": unit,
            "pending": result_rows(unit, person, reported=False),
            "under_way": under_way(unit),
            "upcoming": upcoming(unit),
            "reported": result_rows(unit, person, reported=True),
            "can_report": bool(person and unit and person.has_perm("projects.report_effect_results", unit)),
            "can_start": bool(person and unit and person.has_perm("projects.start_effect_evaluation", unit)),
            "error": request.GET.get("error", ""),
        },
    )


def assembly_file(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    response = HttpResponse(
        assembly_docx(unit, result_rows(unit, _viewer(request), reported=False)), content_type=DOCX
    )
    name = f"effect-results-{unit.pk}.docx" if unit else "effect-results.docx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request)
    project = Project.objects.select_related("unit").filter(pk=pk).first()
    if project is None:
        raise Http404
    person = current_person(request)
    if not person.has_perm("projects.start_effect_evaluation", project):
        raise PermissionDenied
    try:
        do_start_effect_evaluation(project, actor=Actor(person=person))
    except ActionError as exc:
        return _back(unit, exc.message)
    return _back(unit)


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _unit(request)
    evaluation = EffectEvaluation.objects.select_related("project__unit").filter(pk=pk).first()
    if evaluation is None:
        raise Http404
    person = current_person(request)
    if not person.has_perm("projects.start_effect_evaluation", evaluation.project):
        raise PermissionDenied
    try:
        do_attach_effect_result(evaluation, actor=Actor(person=person))
    except ActionError as exc:
        return _back(unit, exc.message)
    return _back(unit)


@login_required
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    unit = _unit(request)
    person = current_person(request)
    if unit is None or not person.has_perm("projects.report_effect_results", unit):
        raise PermissionDenied
    ids = [int(v) for v in request.POST.getlist("evaluation") if v.isdigit()]
    chosen = list(EffectEvaluation.objects.filter(subtree_q(unit.path, "project__unit__path"), pk__in=ids))
    try:
        do_mark_reported(chosen, assembly=request.POST.get("assembly", ""), actor=Actor(person=person))
    except ActionError as exc:
        return _back(unit, exc.message)
    return _back(unit)


urlpatterns = [
    path("effect/", assembly, name="effect"),
    path("effect/assembly.docx", assembly_file, name="effect_docx"),
    path("effect/start/<int:pk>/", start, name="effect_start"),
    path("effect/<int:pk>/attach/", attach, name="effect_attach"),
    path("effect/report/", report, name="effect_report"),
]
