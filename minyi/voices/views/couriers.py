"""Pages: couriers (V6).

`voices:couriers` — staff of a subdistrict or community: appointments per community and year, with
appointment, appraisal, subsidy and ending forms; `voices:courier_visit` — the courier's one-screen
phone form for a home visit or diary entry, with this month's visits underneath.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.core.scope import authorizing_grant, units_in_scope
from minyi.voices.actions.couriers import (
    AppointmentInput,
    ReportedVoice,
    VisitInput,
    do_appoint_courier,
    do_appraise_courier,
    do_end_courier_appointment,
    do_log_courier_visit,
    do_record_subsidy_payment,
)
from minyi.voices.models import (
    AppointmentStatus,
    AppraisalGrade,
    Category,
    CourierAppointment,
    CourierAppraisal,
    CourierVisit,
    SubsidyPayment,
    SubsidyPeriod,
    VisitKind,
)
from minyi.voices.suggest_rules import COURIER_MANAGER_ROLES, managed_appointments

PAGE_SIZE = 100


class AppointForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("人员用户名"), max_length=150)
    community = forms.ModelChoiceField(label=gettext_lazy("社区（村）"), queryset=Unit.objects.none())
    year = forms.IntegerField(
        label=gettext_lazy("聘任年度"), widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    subsidy_amount = forms.DecimalField(
        label=gettext_lazy("工作补贴（元）"),
        max_digits=10,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    subsidy_period = forms.ChoiceField(label=gettext_lazy("补贴周期"), choices=SubsidyPeriod.choices)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(
            units_in_scope(person, COURIER_MANAGER_ROLES), kind=UnitKind.COMMUNITY
        ).order_by("path")

    def clean_username(self) -> Person:
        person = Person.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if person is None:
            raise forms.ValidationError(_("找不到该用户"))
        return person


class AppraiseForm(forms.Form):
    grade = forms.ChoiceField(label=gettext_lazy("考核等次"), choices=AppraisalGrade.choices)
    notes = forms.CharField(label=gettext_lazy("考核意见"), required=False, max_length=2000)


class SubsidyForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("补贴期间"), max_length=7, help_text=gettext_lazy("如 2026-03 或 2026")
    )
    amount = forms.DecimalField(
        label=gettext_lazy("金额（元）"),
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    paid_on = forms.DateField(label=gettext_lazy("发放日期"), widget=forms.DateInput(attrs={"type": "date"}))


class EndForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("解聘原因"), max_length=200)


def _actor(person: Person, unit: Unit) -> Actor:
    grant = authorizing_grant(person, COURIER_MANAGER_ROLES, unit)
    return Actor(person=person, role=grant.role, unit=grant.unit) if grant else Actor(person=person)


def _apply_errors(form: forms.Form, error: ActionError) -> None:
    field = error.details.get("field")
    form.add_error(field if field in form.fields else None, error.message)


@login_required
def couriers(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not person.has_perm("voices.manage_couriers"):
        raise PermissionDenied
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    appoint_form = AppointForm(
        request.POST if request.POST.get("form") == "appoint" else None,
        person=person,
        initial={"year": this_year, "subsidy_period": SubsidyPeriod.MONTH},
    )
    row_forms: dict[str, forms.Form] = {}
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which == "appoint":
            if appoint_form.is_valid():
                data = appoint_form.cleaned_data
                if not person.has_perm("voices.manage_couriers", data["community"]):
                    raise PermissionDenied
                try:
                    do_appoint_courier(
                        AppointmentInput(
                            person=data["username"],
                            community=data["community"],
                            year=data["year"],
                            subsidy_amount=data["subsidy_amount"],
                            subsidy_period=data["subsidy_period"],
                        ),
                        actor=_actor(person, data["community"]),
                    )
                except ActionError as error:
                    _apply_errors(appoint_form, error)
                else:
                    messages.success(request, _("已聘任"))
                    return redirect(f"{request.path}?year={data['year']}")
        else:
            appointment = get_object_or_404(
                managed_appointments(person), pk=request.POST.get("appointment") or 0
            )
            form_class = {"appraise": AppraiseForm, "subsidy": SubsidyForm, "end": EndForm}.get(which)
            if form_class is None:
                raise PermissionDenied
            form = form_class(request.POST, prefix=f"{which}-{appointment.pk}")
            row_forms[f"{which}-{appointment.pk}"] = form
            if form.is_valid():
                data = form.cleaned_data
                actor = _actor(person, appointment.community)
                try:
                    if which == "appraise":
                        do_appraise_courier(
                            appointment, grade=data["grade"], notes=data["notes"], actor=actor
                        )
                    elif which == "subsidy":
                        do_record_subsidy_payment(
                            appointment,
                            period=data["period"],
                            amount=data["amount"],
                            paid_on=data["paid_on"],
                            actor=actor,
                        )
                    else:
                        do_end_courier_appointment(appointment, actor=actor, reason=data["reason"])
                except ActionError as error:
                    _apply_errors(form, error)
                else:
                    messages.success(request, _("已保存"))
                    return redirect(f"{request.path}?year={appointment.year}")
    appointments = list(
        managed_appointments(person)
        .filter(year=year)
        .select_related("person", "community")
        .prefetch_related(
            Prefetch("appraisals", CourierAppraisal.objects.all()),
            Prefetch("payments", SubsidyPayment.objects.order_by("period")),
        )
        .annotate(visit_count=Count("visits", distinct=True))
        .order_by("community__path", "person__name", "pk")[:PAGE_SIZE]
    )
    rows = []
    for a in appointments:
        rows.append(
            {
                "appointment": a,
                "appraisal": next(iter(a.appraisals.all()), None),
                "payments": list(a.payments.all()),
                "paid_total": sum((p.amount for p in a.payments.all()), start=0),
                "appraise_form": row_forms.get(f"appraise-{a.pk}") or AppraiseForm(prefix=f"appraise-{a.pk}"),
                "subsidy_form": row_forms.get(f"subsidy-{a.pk}") or SubsidyForm(prefix=f"subsidy-{a.pk}"),
                "end_form": row_forms.get(f"end-{a.pk}") or EndForm(prefix=f"end-{a.pk}"),
            }
        )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "voices/couriers/list.html",
        {
            "rows": rows,
            "year": year,
            "years": [this_year + 1, this_year, this_year - 1],
            "appoint_form": appoint_form,
            "active": AppointmentStatus.ACTIVE,
        },
        status=status,
    )


class VisitForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=VisitKind.choices,
        initial=VisitKind.VISIT,
        widget=forms.RadioSelect,
    )
    household = forms.CharField(
        label=gettext_lazy("走访户（楼栋）"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：3栋2单元501")}),
    )
    heard = forms.CharField(
        label=gettext_lazy("听到的民情"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("类别"), queryset=Category.objects.filter(is_active=True), required=False
    )
    report = forms.BooleanField(label=gettext_lazy("作为诉求登记办理"), required=False)
    report_title = forms.CharField(label=gettext_lazy("诉求标题"), max_length=100, required=False)
    contact_name = forms.CharField(label=gettext_lazy("群众姓名"), max_length=60, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)
    photos = forms.FileField(
        label=gettext_lazy("照片（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("report"):
            if not data.get("category"):
                self.add_error("category", _("登记诉求须选择类别"))
            if not (data.get("report_title") or "").strip():
                self.add_error("report_title", _("登记诉求须填写标题"))
        return data


@login_required
def courier_visit(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    today = timezone.localdate()
    serving = list(
        CourierAppointment.objects.filter(person=person, year=today.year, status=AppointmentStatus.ACTIVE)
        .select_related("community")
        .order_by("community__name")
    )
    if not serving:
        raise PermissionDenied
    form = VisitForm(request.POST or None, request.FILES or None)
    community_id = request.POST.get("community") or str(serving[0].community_id)
    appointment = next((a for a in serving if str(a.community_id) == community_id), serving[0])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        reported = []
        if data["report"]:
            reported.append(
                ReportedVoice(
                    title=data["report_title"],
                    content=data["heard"],
                    category=data["category"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                )
            )
        try:
            visit = do_log_courier_visit(
                VisitInput(
                    community=appointment.community,
                    heard=data["heard"],
                    kind=data["kind"],
                    household=data["household"],
                    category=data["category"],
                    voices=reported,
                    photos=request.FILES.getlist("photos"),
                ),
                actor=Actor(person=person, role="courier", unit=appointment.community),
            )
        except ActionError as error:
            _apply_errors(form, error)
        else:
            codes = "、".join(v.tracking_code for v in visit.voices.all())
            messages.success(
                request, _("已记录。登记诉求：%(codes)s") % {"codes": codes} if codes else _("已记录")
            )
            return redirect("voices:courier_visit")
    month_start = today.replace(day=1)
    visits = list(
        CourierVisit.objects.filter(courier=person, visited_at__date__gte=month_start)
        .select_related("community", "category")
        .prefetch_related("voices")
        .order_by("-visited_at")[:PAGE_SIZE]
    )
    return render(
        request,
        "voices/couriers/visit.html",
        {
            "form": form,
            "serving": serving,
            "appointment": appointment,
            "visits": visits,
        },
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("couriers/", couriers, name="couriers"),
    path("couriers/visit/", courier_visit, name="courier_visit"),
]
