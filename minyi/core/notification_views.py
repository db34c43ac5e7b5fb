"""The in-app notification centre: my notifications, mark read, and how I want to be told."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from minyi.core.actions.notifications import PreferenceInput, do_mark_read, do_set_notification_preference
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Notification, NotificationPreference
from minyi.core.models.notifications import EmailMode

PAGE_SIZE = 30


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(label=gettext_lazy("邮件提醒"), choices=EmailMode.choices)
    sms = forms.BooleanField(label=gettext_lazy("短信提醒"), required=False)
    wechat = forms.BooleanField(label=gettext_lazy("微信提醒"), required=False)


@login_required
def notification_centre(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    preference = NotificationPreference.objects.filter(person=person).first()
    form = PreferenceForm(
        request.POST or None,
        initial={
            "email_mode": preference.email_mode if preference else EmailMode.DIGEST,
            "sms": preference.sms if preference else False,
            "wechat": preference.wechat if preference else False,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = PreferenceInput(
            email_mode=form.cleaned_data["email_mode"],
            sms=form.cleaned_data["sms"],
            wechat=form.cleaned_data["wechat"],
            muted_kinds=list(preference.muted_kinds) if preference else [],
        )
        try:
            do_set_notification_preference(person, data, actor=Actor(person=person))
        except ActionError as error:
            form.add_error(error.details.get("field") if error.details.get("field") in form.fields else None,
                           error.message)
        else:
            messages.success(request, _("提醒方式已保存"))
            return redirect("core:notifications")
    page = Paginator(Notification.objects.filter(recipient=person).order_by("-created_at", "-id"), PAGE_SIZE)
    return render(
        request,
        "core/notifications.html",
        {"page": page.get_page(request.GET.get("page")), "form": form, "nav": "notifications"},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    raw = request.POST.get("notification", "")
    try:
        do_mark_read(person, actor=Actor(person=person), notification_id=int(raw) if raw.isdigit() else None)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("core:notifications")
