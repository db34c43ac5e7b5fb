"""Forms of the round staff pages (P1/P2). They only parse; the actions validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minyi.core.errors import ActionError
from minyi.core.models import Person, Unit
from minyi.core.models.units import UnitKind
from minyi.core.scope import units_in_scope
from minyi.projects.models import (
    Completion,
    OpinionStance,
    Project,
    ProjectStatus,
    Round,
    SelectionRule,
    TieRule,
)
from minyi.projects.rules import ROUND_STAFF
from minyi.voices.views.handling_forms import departments_of

TEXTAREA = {"rows": 3}


def apply_error(form: forms.Form, error: ActionError) -> None:
    """An action's refusal as a form error on its field (the whole form when the field is not on it)."""
    field = error.details.get("field")
    target = field if field in form.fields else None
    problems = error.details.get("problems")
    if error.code == "pb_invalid" and isinstance(problems, list):
        # One error per problem (each names its section and row), after the message's headline.
        first = str(problems[0]) if problems else ""
        headline = (
            error.message[: error.message.index(first)] if first and first in error.message else error.message
        )
        form.add_error(target, headline.rstrip("：:;； "))
        for problem in problems:
            form.add_error(target, str(problem))
        return
    form.add_error(target, error.message)


def round_units(person: Person) -> QuerySet[Unit]:
    """The townships and districts where the person may hold a round."""
    return Unit.objects.filter(
        units_in_scope(person, ROUND_STAFF),
        kind__in=[UnitKind.TOWNSHIP, UnitKind.DISTRICT],
        is_active=True,
    ).order_by("path")


class RoundForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.none(), label=_("乡镇（街道）或区"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=120)
    selection_rule = forms.ChoiceField(
        label=_("产生办法"), choices=SelectionRule.choices, initial=SelectionRule.SEATS
    )
    seats = forms.IntegerField(
        label=_("项目名额"), min_value=1, max_value=200, initial=10, help_text=_("差额票决时当选的项目个数")
    )
    budget = forms.CharField(
        label=_("预算（元）"), required=False, help_text=_("按预算产生时必填"), max_length=20
    )
    tie_rule = forms.ChoiceField(label=_("并列或名额未满时"), choices=TieRule.choices, initial=TieRule.RUNOFF)
    threshold_numerator = forms.IntegerField(label=_("当选比例（分子）"), min_value=0, initial=1)
    threshold_denominator = forms.IntegerField(label=_("当选比例（分母）"), min_value=1, initial=2)
    threshold_strict = forms.BooleanField(label=_("须超过该比例（过半数）"), required=False, initial=True)
    min_votes = forms.IntegerField(label=_("最低得票数（按预算产生时）"), min_value=0, initial=0)
    mes_completion = forms.ChoiceField(
        label=_("等额份额法补足方式"), choices=Completion.choices, initial=Completion.ADD1_GREEDY
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = round_units(person)
        unit_field: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units
        self.fields["year"].initial = timezone.localdate().year
        if not self.is_bound and len(units) == 1:
            self.fields["unit"].initial = units[0].pk


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销理由"), max_length=500, required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ScreeningForm(forms.Form):
    project = forms.IntegerField(widget=forms.HiddenInput)
    include = forms.TypedChoiceField(
        choices=[("1", _("筛选通过")), ("0", _("不予通过"))], coerce=lambda v: v == "1", label=_("筛选结论")
    )
    cost = forms.CharField(label=_("估算费用（元）"), required=False, max_length=20)
    place = forms.CharField(label=_("实施地点"), required=False, max_length=200)
    beneficiaries = forms.IntegerField(label=_("受益人数"), required=False)
    reason = forms.CharField(
        label=_("筛选理由（公开）"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class OpinionForm(forms.Form):
    project = forms.ModelChoiceField(Project.objects.none(), label=_("项目"))
    department = forms.ModelChoiceField(Unit.objects.none(), label=_("职能部门"))
    stance = forms.ChoiceField(label=_("部门意见"), choices=OpinionStance.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("意见内容"), max_length=2000, required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_field: forms.ModelChoiceField = self.fields["project"]  # type: ignore[assignment]
        project_field.queryset = Project.objects.filter(round=round_, status=ProjectStatus.SCREENED_IN)
        department_field: forms.ModelChoiceField = self.fields["department"]  # type: ignore[assignment]
        department_field.queryset = departments_of(round_.unit)


class ShortlistForm(forms.Form):
    projects = forms.ModelMultipleChoiceField(
        Project.objects.none(),
        label=_("列入候选的项目"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("候选项目必须多于项目名额（差额票决）"),
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelMultipleChoiceField = self.fields["projects"]  # type: ignore[assignment]
        field.queryset = Project.objects.filter(round=round_, status=ProjectStatus.SCREENED_IN).order_by("pk")
        field.label_from_instance = lambda p: f"{p.title}（{p.cost:,.0f} 元）"  # type: ignore[method-assign,assignment]


class VoiceRecommendationForm(forms.Form):
    tracking_code = forms.CharField(label=_("民情事项受理编号"), max_length=20, help_text=_("例如 MY-2026-000123"))
    cost = forms.DecimalField(label=_("估算投资（元）"), min_value=1, max_digits=14, decimal_places=2)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("pabulib 文件（.pb）"))
