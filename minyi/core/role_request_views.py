"""Asking for a role (账号角色申请); the decision is taken on the process page by the unit's admins."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.actions.role_requests import PROCESS, do_request_role, instance_for
from minyi.core.actors import Actor
from minyi.core.engine.labels import describe
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import ProcessInstance, RoleRequest, Unit
from minyi.core.process_forms import UnitChoiceField
from minyi.core.roles import ROLE_CHOICES


class RoleRequestForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("申请角色"), choices=ROLE_CHOICES)
    unit = UnitChoiceField(label=gettext_lazy("所在单位"), help_text=gettext_lazy("单位编码或全称，如：金沙社区"))
    note = forms.CharField(
        label=gettext_lazy("申请说明"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
def request_role(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    form = RoleRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = Unit.objects.get(pk=form.cleaned_data["unit"])
        try:
            created = do_request_role(form.cleaned_data["role"], unit, note=form.cleaned_data["note"],
                                      actor=Actor(person=person))
        except ActionError as error:
            form.add_error("role" if error.details.get("field") == "role" else None, error.message)
        else:
            messages.success(request, _("申请已提交，等待单位管理员审批"))
            return redirect("core:process_instance", pk=instance_for(created).pk)
    mine = list(RoleRequest.objects.filter(person=person).select_related("unit").order_by("-created_at")[:20])
    kind = RoleRequest._meta.label_lower
    instances = {
        i.subject_id: i
        for i in ProcessInstance.objects.filter(process=PROCESS, subject_type=kind,
                                                subject_id__in=[str(r.pk) for r in mine])
    }
    rows = [(r, instances.get(str(r.pk))) for r in mine]
    rows_with_state = [(r, i, describe(i).state if i else "") for r, i in rows]
    return render(request, "core/request_role.html", {"form": form, "rows": rows_with_state},
                  status=400 if form.errors else 200)
