"""Staff pages: list, create, build (sections, questions, groups, invitations), lifecycle, links and
QR codes, results with charts, and the .xlsx export."""

from __future__ import annotations

import io
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person, Unit
from minyi.core.scope import scope_q
from minyi.surveys.actions import (
    GroupInput,
    QuestionInput,
    SurveyInput,
    do_add_group,
    do_add_question,
    do_add_section,
    do_close_survey,
    do_create_survey,
    do_invite,
    do_open_survey,
    do_publish_survey,
)
from minyi.surveys.export import survey_workbook
from minyi.surveys.models import Access, Question, RespondentGroup, Section, Survey, SurveyState
from minyi.surveys.predicates import SURVEY_STAFF_ROLES
from minyi.surveys.results import compute_results
from minyi.surveys.views.charts import chart_data, result_tables
from minyi.surveys.views.common import get_or_404, staff_actor
from minyi.surveys.views.forms import GroupForm, InviteForm, QuestionForm, SectionForm, SurveyForm, lines


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def index(request: HttpRequest) -> HttpResponse:
    """Published surveys for everyone; every survey in their scope for staff. Constant queries."""
    visible = Q(state=SurveyState.PUBLISHED)
    is_staff = False
    if request.user.is_authenticated:
        staff_scope = scope_q(current_person(request), SURVEY_STAFF_ROLES)
        is_staff = bool(staff_scope.children)
        visible |= staff_scope
    surveys = list(
        Survey.objects.filter(visible)
        .select_related("unit")
        .annotate(n_responses=Count("responses"))
        .order_by("-pk")[:100]
    )
    return render(request, "surveys/index.html", {"surveys": surveys, "is_staff": is_staff})


def _staff_units(person: Person) -> list[Unit]:
    return list(Unit.objects.filter(scope_q(person, SURVEY_STAFF_ROLES, field="path")).order_by("path")[:200])


@login_required
def create(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    units = _staff_units(person)
    if not units:
        raise PermissionDenied
    form = SurveyForm(request.POST or None)
    _choice_field(form, "unit").choices = [(str(u.pk), u.name) for u in units]
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
        try:
            survey = do_create_survey(
                SurveyInput(
                    unit=unit,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    anonymity=form.cleaned_data["anonymity"],
                    open_at=form.cleaned_data["open_at"],
                ),
                actor=staff_actor(person, unit=unit),
            )
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            return redirect("surveys:manage", pk=survey.pk)
    return render(request, "surveys/create.html", {"form": form}, status=400 if form.errors else 200)


def _managed(request: HttpRequest, pk: int) -> tuple[Person, Survey]:
    person = current_person(request)
    survey = get_or_404(Survey.objects.select_related("unit"), pk=pk)
    if not person.has_perm("surveys.manage_survey", survey):
        raise PermissionDenied
    return person, survey


def _manage_context(request: HttpRequest, survey: Survey, **forms: Any) -> dict[str, Any]:
    sections = list(Section.objects.filter(survey=survey))
    question_form = forms.get("question_form") or QuestionForm(initial={"required": True})
    _choice_field(question_form, "section").choices = [("", "—"), *[(str(s.pk), s.title) for s in sections]]
    groups = list(
        RespondentGroup.objects.filter(survey=survey).annotate(
            invited=Count("invitations", distinct=True),
            responded=Count("invitations", filter=Q(invitations__responded=True), distinct=True),
            n_responses=Count("responses", distinct=True),
        )
    )
    for group in groups:
        group.url = request.build_absolute_uri(reverse("surveys:respond", args=[group.token]))  # type: ignore[attr-defined]
    return {
        "survey": survey,
        "sections": sections,
        "questions": list(Question.objects.filter(survey=survey).select_related("section")),
        "groups": groups,
        "question_form": question_form,
        "section_form": forms.get("section_form") or SectionForm(),
        "group_form": forms.get("group_form") or GroupForm(initial={"weight": "1", "access": Access.OPEN}),
        "invite_form": InviteForm(),
        "is_draft": survey.state == SurveyState.DRAFT,
    }


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    _person, survey = _managed(request, pk)
    return render(request, "surveys/manage.html", _manage_context(request, survey))


def _failed(request: HttpRequest, survey: Survey, error: ActionError, **forms: Any) -> HttpResponse:
    messages.error(request, error.message)
    return render(
        request, "surveys/manage.html", _manage_context(request, survey, **forms), status=error.status
    )


@login_required
@require_POST
def add_section(request: HttpRequest, pk: int) -> HttpResponse:
    person, survey = _managed(request, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return render(
            request, "surveys/manage.html", _manage_context(request, survey, section_form=form), status=400
        )
    try:
        do_add_section(survey, form.cleaned_data["title"], actor=staff_actor(person, survey))
    except ActionError as error:
        return _failed(request, survey, error, section_form=form)
    return redirect("surveys:manage", pk=pk)


@login_required
@require_POST
def add_question(request: HttpRequest, pk: int) -> HttpResponse:
    person, survey = _managed(request, pk)
    form = QuestionForm(request.POST)
    _choice_field(form, "section").choices = [
        ("", "—"),
        *[(str(s.pk), s.title) for s in survey.sections.all()],
    ]
    if not form.is_valid():
        return render(
            request, "surveys/manage.html", _manage_context(request, survey, question_form=form), status=400
        )
    data = form.cleaned_data
    section = Section.objects.filter(survey=survey, pk=data["section"]).first() if data["section"] else None
    try:
        do_add_question(
            survey,
            QuestionInput(
                kind=data["kind"],
                text=data["text"],
                required=data["required"],
                options=lines(data["options"]),
                rows=lines(data["rows"]),
                min_choices=data["min_choices"],
                max_choices=data["max_choices"],
                max_length=data["max_length"],
                section=section,
            ),
            actor=staff_actor(person, survey),
        )
    except ActionError as error:
        field = error.details.get("field")
        form.add_error(field if field in form.fields else None, error.message)
        return render(
            request, "surveys/manage.html", _manage_context(request, survey, question_form=form), status=400
        )
    return redirect("surveys:manage", pk=pk)


@login_required
@require_POST
def add_group(request: HttpRequest, pk: int) -> HttpResponse:
    person, survey = _managed(request, pk)
    form = GroupForm(request.POST)
    if not form.is_valid():
        return render(
            request, "surveys/manage.html", _manage_context(request, survey, group_form=form), status=400
        )
    try:
        do_add_group(
            survey,
            GroupInput(
                name=form.cleaned_data["name"],
                weight=form.cleaned_data["weight"],
                access=form.cleaned_data["access"],
            ),
            actor=staff_actor(person, survey),
        )
    except ActionError as error:
        field = error.details.get("field")
        form.add_error(field if field in form.fields else None, error.message)
        return render(
            request, "surveys/manage.html", _manage_context(request, survey, group_form=form), status=400
        )
    return redirect("surveys:manage", pk=pk)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    person, survey = _managed(request, pk)
    group = get_or_404(RespondentGroup.objects.select_related("survey__unit"), pk=group_pk, survey=survey)
    wanted = lines(request.POST.get("people", ""))
    people = list(Person.objects.filter(Q(username__in=wanted) | Q(phone__in=wanted), is_active=True))
    found = {p.username for p in people} | {p.phone for p in people}
    missing = [w for w in wanted if w not in found]
    if missing:
        return _failed(
            request,
            survey,
            ActionError("person_unknown", _("找不到以下人员：%(who)s") % {"who": "、".join(missing[:5])}),
        )
    try:
        added = do_invite(group, people, actor=staff_actor(person, survey))
    except ActionError as error:
        return _failed(request, survey, error)
    messages.success(request, _("已加入 %(n)d 人") % {"n": added})
    return redirect("surveys:manage", pk=pk)


STEPS = {"open": do_open_survey, "close": do_close_survey, "publish": do_publish_survey}
STEP_MESSAGES = {
    "open": gettext_lazy("问卷已开始答卷"),
    "close": gettext_lazy("问卷已截止"),
    "publish": gettext_lazy("结果已公布"),
}


@login_required
@require_POST
def step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    person, survey = _managed(request, pk)
    if action not in STEPS:
        raise PermissionDenied
    try:
        STEPS[action](survey, actor=staff_actor(person, survey))
    except ActionError as error:
        return _failed(request, survey, error)
    messages.success(request, STEP_MESSAGES[action])
    return redirect("surveys:manage", pk=pk)


@login_required
def qr_code(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    _person, survey = _managed(request, pk)
    group = get_or_404(RespondentGroup.objects.all(), pk=group_pk, survey=survey)
    url = request.build_absolute_uri(reverse("surveys:respond", args=[group.token]))
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=6, title=group.name)  # a standalone SVG file
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_or_404(Survey.objects.select_related("unit"), pk=pk)
    if not request.user.has_perm("surveys.view_results", survey):
        raise PermissionDenied
    may_export = request.user.has_perm("surveys.export_raw", survey)
    computed = compute_results(survey, with_texts=may_export)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "results": computed,
            "questions": result_tables(computed),
            "charts": chart_data(computed),
            "may_export": may_export,
        },
    )


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_or_404(Survey.objects.select_related("unit"), pk=pk)
    if not current_person(request).has_perm("surveys.export_raw", survey):
        raise PermissionDenied
    response = HttpResponse(
        survey_workbook(survey),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response


urlpatterns = [
    path("", index, name="index"),
    path("new/", create, name="create"),
    path("<int:pk>/", manage, name="manage"),
    path("<int:pk>/sections/", add_section, name="add_section"),
    path("<int:pk>/questions/", add_question, name="add_question"),
    path("<int:pk>/groups/", add_group, name="add_group"),
    path("<int:pk>/groups/<int:group_pk>/invite/", invite, name="invite"),
    path("<int:pk>/groups/<int:group_pk>/qr.svg", qr_code, name="qr"),
    path("<int:pk>/step/<str:action>/", step, name="step"),
    path("<int:pk>/results/", results, name="results"),
    path("<int:pk>/export.xlsx", export, name="export"),
]
