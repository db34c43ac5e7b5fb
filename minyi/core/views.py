"""Server-rendered pages of the core: login, logout, the personal workbench."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from minyi.core.engine.labels import InstanceLabels, describe, instance_url, localized
from minyi.core.engine.registry import get_definition
from minyi.core.http import current_person
from minyi.core.login import LoginForm
from minyi.core.models import Notification, ProcessInstance
from minyi.core.roles import role_label
from minyi.core.scope import active_grants
from minyi.core.workbench import DeadlineStatus, awaiting, deadline_status


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = LoginForm(request, data=request.POST)
        if form.is_valid() and form.person is not None:
            login(request, form.person)
            return HttpResponseRedirect(_safe_next(request))
    else:
        form = LoginForm(request)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    return render(request, "core/login.html", {"form": form, "next": next_url, "nav": "login"})


@dataclass(frozen=True)
class WorkbenchRow:
    instance: ProcessInstance
    labels: InstanceLabels
    deadline: DeadlineStatus
    url: str


def workbench_row(instance: ProcessInstance, now: dt.datetime) -> WorkbenchRow:
    labels = describe(instance)
    return WorkbenchRow(instance, labels, deadline_status(instance, now, labels.deadline_kind), instance_url(instance))


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    now = timezone.now()
    everything = awaiting(person, now)
    processes = sorted(set(everything.values_list("process", "version")))
    process_choices = sorted({(name, localized(get_definition(name, version).title)) for name, version in processes})
    selected_process = request.GET.get("process", "")
    overdue_only = request.GET.get("overdue") == "1"
    shown = everything
    if selected_process:
        shown = shown.filter(process=selected_process)
    if overdue_only:
        shown = shown.filter(deadline_at__lt=now)
    rows = [workbench_row(instance, now) for instance in shown]
    grants = active_grants(person)
    my_roles = sorted({(role_label(g.role), g.unit.name) for g in grants})
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True).count()
    return render(
        request,
        "core/workbench.html",
        {
            "rows": rows,
            "processes": process_choices,
            "selected_process": selected_process,
            "overdue_only": overdue_only,
            "overdue_count": sum(1 for r in rows if r.deadline.overdue),
            "my_roles": my_roles,
            "unread_notifications": unread,
            "nav": "workbench",
        },
    )
