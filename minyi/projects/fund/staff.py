"""P6 staff pages: set up the fund, on-site verification (township groups), screening scores and the
chair meeting's decision within the fund's total. Forms parse, the named rules authorize, the actions
decide; a refusal (over the total, a score outside 0–100, …) is a form error and nothing is written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.core.scope import units_in_scope
from minyi.projects.delivery.models import Delivery
from minyi.projects.delivery.rules import FUND_ROLES
from minyi.projects.forms import TEXTAREA, apply_error
from minyi.projects.fund.actions import (
    VerificationInput,
    allocated,
    do_create_fund,
    do_decide_fund,
    do_screen_item,
    do_verify_candidate,
    weights,
)
from minyi.projects.fund.models import Fund, FundItem, FundItemStatus
from minyi.voices.models import Voice


class FundForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=gettext_lazy("区（县）"))
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    total = forms.CharField(label=gettext_lazy("资金总额（元）"), max_length=20)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        field.queryset = Unit.objects.filter(
            units_in_scope(person, FUND_ROLES), kind=UnitKind.DISTRICT
        ).order_by("path")
        self.fields["year"].initial = timezone.localdate().year


class VerifyForm(forms.Form):
    voice = forms.CharField(label=gettext_lazy("代表建议受理编号"), max_length=40)
    title = forms.CharField(label=gettext_lazy("项目名称"), max_length=120, required=False)
    cost = forms.CharField(label=gettext_lazy("建设预算（元）"), max_length=20, required=False)
    group = forms.CharField(label=gettext_lazy("核查组"), max_length=200, required=False)
    verified_on = forms.DateField(
        label=gettext_lazy("核查日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    finding = forms.CharField(
        label=gettext_lazy("核查意见（必要性、紧迫性、可行性）"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def clean_voice(self) -> Voice:
        code = self.cleaned_data["voice"].strip()
        voice = Voice.objects.select_related("unit").filter(tracking_code=code).first()
        if voice is None:
            raise forms.ValidationError(_("找不到受理编号为 %(code)s 的代表建议") % {"code": code})
        return voice


class ScoreForm(forms.Form):
    livelihood = forms.IntegerField(label=gettext_lazy("先生活后生产"))
    within_year = forms.IntegerField(label=gettext_lazy("年内可以完成"))
    fairness = forms.IntegerField(label=gettext_lazy("各镇兼顾"))
    note = forms.CharField(label=gettext_lazy("筛选意见"), max_length=300, required=False)


class DecideForm(forms.Form):
    items = forms.ModelMultipleChoiceField(
        FundItem.objects.none(),
        label=gettext_lazy("确定办理的项目"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("主任会议纪要"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, fund: Fund, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelMultipleChoiceField = self.fields["items"]  # type: ignore[assignment]
        field.queryset = FundItem.objects.filter(fund=fund, status=FundItemStatus.SCREENED).order_by(
            "-score", "pk"
        )
        field.label_from_instance = lambda i: f"{i.title}（{i.cost:,.0f} 元，{i.score}）"  # type: ignore[method-assign,assignment]


def _fund(pk: int) -> Fund:
    return get_object_or_404(Fund.objects.select_related("unit"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def fund_new(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not person.has_perm("projects.create_fund"):
        raise PermissionDenied
    form = FundForm(request.POST or None, person=person)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                fund = do_create_fund(
                    data["unit"],
                    year=data["year"],
                    title=data["title"],
                    total=data["total"],
                    actor=Actor(person=person),
                )
            except ActionError as error:
                apply_error(form, error)
                status = error.status
            else:
                messages.success(request, _("专项资金已设立"))
                return redirect("projects:fund_manage", fund.pk)
    return render(request, "projects/fund/new.html", {"form": form}, status=status)


def _allowed(person: Person, fund: Fund) -> dict[str, bool]:
    return {
        "verify": person.has_perm("projects.verify_fund_candidate", fund),
        "screen": person.has_perm("projects.screen_fund_item", fund),
        "decide": person.has_perm("projects.decide_fund", fund),
    }


def _context(person: Person, fund: Fund, **bound: Any) -> dict[str, Any]:
    items = list(fund.items.select_related("township", "voice").order_by("status", "-score", "pk"))
    deliveries = {
        d.subject_id: d
        for d in Delivery.objects.with_progress().filter(
            subject_type="projects.funditem", subject_id__in=[str(i.pk) for i in items]
        )
    }
    score_item = bound.get("score_item")
    rows = [
        {
            "item": i,
            "delivery": deliveries.get(str(i.pk)),
            "form": bound["score_form"]
            if score_item == i.pk
            else ScoreForm(
                initial={
                    "livelihood": i.livelihood,
                    "within_year": i.within_year,
                    "fairness": i.fairness,
                    "note": i.screening_note,
                },
                auto_id=f"id_{i.pk}_%s",
            ),
        }
        for i in items
    ]
    return {
        "fund": fund,
        "rows": rows,
        "allocated": allocated(fund),
        "allowed": _allowed(person, fund),
        "weights": weights(),
        "verify_form": bound.get("verify_form") or VerifyForm(initial={"verified_on": timezone.localdate()}),
        "decide_form": bound.get("decide_form") or DecideForm(fund=fund),
    }


@login_required
def fund_manage(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(pk)
    person = current_person(request)
    if not (any(_allowed(person, fund).values()) or person.has_perm("projects.manage_fund", fund)):
        raise PermissionDenied
    return render(request, "projects/fund/manage.html", _context(person, fund))


def _failed(request: HttpRequest, person: Person, fund: Fund, status: int, **bound: Any) -> HttpResponse:
    return render(
        request, "projects/fund/manage.html", _context(person, _fund(fund.pk), **bound), status=status
    )


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(pk)
    person = current_person(request)
    if not person.has_perm("projects.verify_fund_candidate", fund):
        raise PermissionDenied
    form = VerifyForm(request.POST)
    if not form.is_valid():
        return _failed(request, person, fund, 400, verify_form=form)
    data = form.cleaned_data
    try:
        do_verify_candidate(
            fund,
            data["voice"],
            VerificationInput(
                data["title"], data["cost"], data["group"], data["verified_on"], data["finding"]
            ),
            actor=Actor(person=person),
        )
    except ActionError as error:
        apply_error(form, error)
        return _failed(request, person, fund, error.status, verify_form=form)
    messages.success(request, _("核查结果已记录，列入候选项目"))
    return redirect("projects:fund_manage", fund.pk)


@login_required
@require_POST
def screen(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    fund = _fund(pk)
    item = get_object_or_404(FundItem.objects.select_related("fund"), pk=item_pk, fund=fund)
    person = current_person(request)
    if not person.has_perm("projects.screen_fund_item", item):
        raise PermissionDenied
    form = ScoreForm(request.POST, auto_id=f"id_{item.pk}_%s")
    if not form.is_valid():
        return _failed(request, person, fund, 400, score_form=form, score_item=item.pk)
    data = form.cleaned_data
    try:
        do_screen_item(
            item,
            livelihood=data["livelihood"],
            within_year=data["within_year"],
            fairness=data["fairness"],
            note=data["note"],
            actor=Actor(person=person),
        )
    except ActionError as error:
        apply_error(form, error)
        return _failed(request, person, fund, error.status, score_form=form, score_item=item.pk)
    messages.success(request, _("评分已记录：%(title)s") % {"title": item.title})
    return redirect("projects:fund_manage", fund.pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    fund = _fund(pk)
    person = current_person(request)
    if not person.has_perm("projects.decide_fund", fund):
        raise PermissionDenied
    form = DecideForm(request.POST, fund=fund)
    if not form.is_valid():
        return _failed(request, person, fund, 400, decide_form=form)
    try:
        do_decide_fund(
            fund, list(form.cleaned_data["items"]), note=form.cleaned_data["note"], actor=Actor(person=person)
        )
    except ActionError as error:
        apply_error(form, error)
        return _failed(request, person, fund, error.status, decide_form=form)
    messages.success(request, _("主任会议决定已记录，确定的项目进入实施监督"))
    return redirect("projects:fund_manage", fund.pk)


urlpatterns = [
    path("fund/new/", fund_new, name="fund_new"),
    path("fund/<int:pk>/manage/", fund_manage, name="fund_manage"),
    path("fund/<int:pk>/manage/verify/", verify, name="fund_verify"),
    path("fund/<int:pk>/manage/items/<int:item_pk>/screen/", screen, name="fund_screen"),
    path("fund/<int:pk>/manage/decide/", decide, name="fund_decide"),
]
