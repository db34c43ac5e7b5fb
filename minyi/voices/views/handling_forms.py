"""Forms of the handling pages: a voice step's inputs with readable labels and real choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from minyi.core.engine.definitions import TransitionDef
from minyi.core.models import ProcessInstance, Unit
from minyi.core.models.units import UnitKind
from minyi.core.process_forms import transition_form_class
from minyi.voices.actions.handling import nearest
from minyi.voices.models import Category, Resolution, Satisfaction

LABELS = {
    "reply": _("答复内容"),
    "resolution": _("办理结果"),
    "satisfaction": _("满意度"),
    "comment": _("评价意见"),
    "original": _("原事项受理编号"),
    "lead_department": _("牵头单位"),
    "due_days": _("办理时限（工作日）"),
}


def departments_of(unit: Unit) -> QuerySet[Unit]:
    """The active departments inside the district of `unit` (none when it has no district)."""
    district = nearest(unit, UnitKind.DISTRICT)
    if district is None:
        return Unit.objects.none()
    return Unit.objects.filter(district.subtree_q(), kind=UnitKind.DEPARTMENT, is_active=True).order_by(
        "path"
    )


def step_form_class(step: TransitionDef, instance: ProcessInstance) -> type[forms.Form]:
    base = transition_form_class(step)
    fields: dict[str, forms.Field] = {}
    if step.name == "assign":
        departments = departments_of(instance.unit)
        fields["lead_department"] = forms.ModelChoiceField(departments, label=LABELS["lead_department"])
        fields["co_handlers"] = forms.ModelMultipleChoiceField(
            departments, required=False, label=_("协办单位"), widget=forms.CheckboxSelectMultiple
        )
        fields["due_days"] = forms.IntegerField(
            required=False, min_value=1, label=LABELS["due_days"], help_text=_("留空则按流程默认时限")
        )
    if "resolution" in base.base_fields:
        fields["resolution"] = forms.ChoiceField(choices=Resolution.choices, label=LABELS["resolution"])
    if "satisfaction" in base.base_fields:
        fields["satisfaction"] = forms.ChoiceField(
            choices=Satisfaction.choices, label=LABELS["satisfaction"], widget=forms.RadioSelect
        )
    form_class = type(f"Voice{base.__name__}", (base,), fields)
    for name, field in form_class.base_fields.items():  # type: ignore[attr-defined]
        if name in LABELS and name not in fields:
            field.label = LABELS[name]
    return form_class


def step_inputs(form: forms.Form) -> tuple[dict[str, Any], str]:
    """(inputs for steps.perform, reason) from a valid step form."""
    data = dict(form.cleaned_data)
    reason = data.pop("reason", "") or ""
    inputs: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Unit):
            inputs[key] = value.pk
        elif isinstance(value, QuerySet):
            inputs[key] = [unit.pk for unit in value]
        elif value not in (None, ""):
            inputs[key] = value
    return inputs, reason


class NoteForm(forms.Form):
    text = forms.CharField(label=_("办理情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class SuperviseForm(forms.Form):
    note = forms.CharField(label=_("督办意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class InboxFilters(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False)
    include_closed = forms.BooleanField(label=_("包括已办结"), required=False)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)
    supervised = forms.BooleanField(label=_("只看督办"), required=False)
    channel = forms.ChoiceField(label=_("渠道"), required=False)
    category = forms.ModelChoiceField(
        Category.objects.all(), label=_("类别"), required=False, empty_label=_("全部类别")
    )
    unit = forms.CharField(label=_("单位"), required=False, max_length=60)
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)

    def __init__(
        self, *args: Any, states: list[tuple[str, str]], channels: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("全部状态")), *states]  # type: ignore[attr-defined]
        self.fields["channel"].choices = [("", _("全部渠道")), *channels]  # type: ignore[attr-defined]


class BulkForm(forms.Form):
    ACTIONS = [("accept", _("批量受理")), ("assign", _("批量交办"))]
    action = forms.ChoiceField(choices=ACTIONS, label=_("批量操作"))
    voices = forms.TypedMultipleChoiceField(coerce=int, label=_("事项"))
    lead_department = forms.ModelChoiceField(
        Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True), required=False, label=_("牵头单位")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any id is accepted here; visibility and permission are checked per item by the view and the engine.
        raw = self.data.getlist("voices") if hasattr(self.data, "getlist") else []
        self.fields["voices"].choices = [(v, v) for v in raw if str(v).isdigit()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign" and not data.get("lead_department"):
            self.add_error("lead_department", _("批量交办请选择牵头单位"))
        return data
