"""P3 pages: the year list with progress bars (public), a project's delivery page (public record of
milestones, payments, photos, problems, findings), problem filing (phone-first) and the supervision
list for stations and townships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.masking import mask_name
from minyi.core.models import Attachment, ProcessInstance
from minyi.core.scope import scope_q
from minyi.projects.delivery.actions import (
    MILESTONE_PROCESS,
    MilestoneInput,
    PaymentInput,
    do_add_milestone,
    do_add_photo,
    do_file_problem,
    do_record_payment,
    do_report_progress,
    findings_of,
)
from minyi.projects.delivery.models import Delivery, Milestone
from minyi.projects.delivery.rules import VIEWER_ROLES
from minyi.projects.effect.report import project_result


def deliveries_of_year(year: int) -> list[Delivery]:
    """Every delivery of the year with derived progress and spending: two queries whatever the count."""
    rows = list(
        Delivery.objects.with_progress().filter(year=year).select_related("unit").order_by("unit__path", "pk")
    )
    spent = dict(
        Delivery.objects.filter(pk__in=[d.pk for d in rows])
        .annotate(s=Sum("payments__amount"))
        .values_list("pk", "s")
    )
    for d in rows:
        d.spent = spent.get(d.pk) or Decimal(0)  # type: ignore[attr-defined]
    return rows


def year_list(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = year or timezone.localdate().year
    return render(
        request, "projects/delivery/year.html", {"year": year, "deliveries": deliveries_of_year(year)}
    )


def _delivery(pk: int) -> Delivery:
    delivery = Delivery.objects.with_progress().select_related("unit").filter(pk=pk).first()
    if delivery is None:
        raise Http404
    return delivery


def _milestone_rows(delivery: Delivery) -> list[dict[str, Any]]:
    milestones = list(delivery.milestones.all())
    states = {
        i.subject_id: i
        for i in ProcessInstance.objects.filter(
            process=MILESTONE_PROCESS,
            subject_type="projects.milestone",
            subject_id__in=[str(m.pk) for m in milestones],
        )
    }
    now = timezone.now()
    rows = []
    for m in milestones:
        instance = states.get(str(m.pk))
        overdue = bool(
            instance and not instance.is_final and instance.deadline_at and instance.deadline_at < now
        )
        rows.append({"milestone": m, "state": instance.state if instance else "", "overdue": overdue})
    return rows


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(pk)
    user = request.user if request.user.is_authenticated else None
    photos = Attachment.objects.filter(subject_type="projects.delivery", subject_id=str(pk), is_public=True)
    payments = list(delivery.payments.select_related("document"))
    problems = [
        {"problem": p, "filer": mask_name(p.filed_by.name or ""), "code": p.voice.tracking_code}
        for p in delivery.problems.select_related("filed_by", "voice")
    ]
    return render(
        request,
        "projects/delivery/detail.html",
        {
            "delivery": delivery,
            "milestones": _milestone_rows(delivery),
            "payments": payments,
            "spent": sum((p.amount for p in payments), Decimal(0)),
            "photos": [a for a in photos if a.content_type.startswith("image/")],
            "problems": problems,
            "findings": findings_of(delivery),
            "effect": project_result(int(delivery.subject_id), delivery.unit, user)
            if delivery.subject_type == "projects.project" and delivery.subject_id.isdigit()
            else None,
            "can_manage": bool(user and user.has_perm("projects.manage_delivery", delivery)),
            "can_file": bool(user and user.has_perm("projects.file_delivery_problem", delivery)),
            "today": timezone.localdate().isoformat(),
            "error": request.GET.get("error", ""),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_problem(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _delivery(pk)
    person = current_person(request)
    if not person.has_perm("projects.file_delivery_problem", delivery):
        raise PermissionDenied
    error = ""
    text = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            problem = do_file_problem(
                delivery, text, actor=Actor(person=person), photos=request.FILES.getlist("photos")
            )
        except ActionError as exc:
            error = exc.message
        else:
            return render(
                request, "projects/delivery/problem_done.html", {"delivery": delivery, "problem": problem}
            )
    return render(
        request, "projects/delivery/problem.html", {"delivery": delivery, "error": error, "text": text}
    )


@login_required
@require_http_methods(["POST"])
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    """One endpoint for the managers' small forms (milestone, progress, payment, photo); errors come back
    in the page."""
    delivery = _delivery(pk)
    person = current_person(request)
    if not person.has_perm("projects.manage_delivery", delivery):
        raise PermissionDenied
    actor = Actor(person=person)
    form = request.POST.get("form")
    try:
        if form == "progress":
            milestone = Milestone.objects.filter(
                pk=request.POST.get("milestone") or 0, delivery=delivery
            ).first()
            if milestone is None:
                raise ActionError("milestone_unknown", _("请选择节点"))
            try:
                percent = int(request.POST.get("progress", ""))
            except ValueError:
                raise ActionError("progress_invalid", _("进度必须是0到99的整数")) from None
            do_report_progress(milestone, percent, note=request.POST.get("note", ""), actor=actor)
        elif form == "payment":
            try:
                paid_on = dt.date.fromisoformat(request.POST.get("paid_on", ""))
            except ValueError:
                raise ActionError("paid_on_invalid", _("请填写支付日期")) from None
            do_record_payment(
                delivery,
                PaymentInput(
                    request.POST.get("amount", ""),
                    paid_on,
                    request.POST.get("payee", ""),
                    request.POST.get("purpose", ""),
                ),
                document=request.FILES.get("document"),
                actor=actor,
            )
        elif form == "milestone":
            try:
                start = dt.date.fromisoformat(request.POST.get("planned_start", ""))
                end = dt.date.fromisoformat(request.POST.get("planned_end", ""))
            except ValueError:
                raise ActionError("planned_dates_invalid", _("请填写计划开始和完成日期")) from None
            weight = request.POST.get("weight", "1")
            if not weight.isdigit():
                raise ActionError("weight_invalid", _("权重必须是正整数"))
            title = request.POST.get("title", "").strip()
            do_add_milestone(delivery, MilestoneInput(title, start, end, int(weight)), actor=actor)
        elif form == "photo":
            photo = request.FILES.get("photo")
            if photo is None:
                raise ActionError("photo_required", _("请选择照片"))
            do_add_photo(delivery, photo, actor=actor)
    except ActionError as exc:
        return redirect(
            f"{reverse('projects:delivery', args=[delivery.pk])}?{urlencode({'error': exc.message})}"
        )
    return redirect("projects:delivery", pk=delivery.pk)


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """Stations, townships and oversight roles: deliveries in scope, overdue milestones first."""
    person = current_person(request)
    scope = scope_q(person, VIEWER_ROLES)
    rows = list(
        Delivery.objects.with_progress()
        .filter(scope)
        .select_related("unit")
        .annotate(problem_count=Count("problems", distinct=True))
        .order_by("-year", "unit__path", "pk")[:200]
    )
    overdue = set(
        ProcessInstance.objects.filter(
            process=MILESTONE_PROCESS, is_final=False, deadline_at__lt=timezone.now()
        )
        .filter(Q(scope_q(person, VIEWER_ROLES)))
        .values_list("title", flat=True)
    )
    for d in rows:
        d.overdue = any(t.startswith(f"{d.title} · ") for t in overdue)  # type: ignore[attr-defined]
    rows.sort(key=lambda d: not d.overdue)  # type: ignore[attr-defined]
    return render(request, "projects/delivery/supervision.html", {"deliveries": rows})


urlpatterns = [
    path("delivery/", year_list, name="delivery_year_current"),
    path("delivery/year/<int:year>/", year_list, name="delivery_year"),
    path("delivery/<int:pk>/", detail, name="delivery"),
    path("delivery/<int:pk>/manage/", manage, name="delivery_manage"),
    path("delivery/<int:pk>/problem/", file_problem, name="delivery_problem"),
    path("delivery/supervision/", supervision, name="delivery_supervision"),
]
