"""Forms built from a transition's declared inputs (O3), so every process gets working pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from minyi.core.engine.definitions import InputDef, TransitionDef
from minyi.core.models import Person, Unit

LONG_TEXT = 200


class UnitChoiceField(forms.CharField):
    """A unit given by its code or exact name; cleaned to the unit's id."""

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        unit = Unit.objects.filter(code=text).first() or Unit.objects.filter(name=text).first()
        if unit is None:
            raise forms.ValidationError(_("找不到单位“%(text)s”，请输入单位编码或全称") % {"text": text})
        return unit.pk


class PersonChoiceField(forms.CharField):
    """A person given by username; cleaned to the person's id."""

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        person = Person.objects.filter(username=text, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("找不到用户“%(text)s”") % {"text": text})
        return person.pk


def field_for(spec: InputDef) -> forms.Field:
    label = spec.name
    common: dict[str, Any] = {"required": spec.required, "label": label}
    if spec.type == "text":
        widget = forms.Textarea(attrs={"rows": 3}) if spec.max_length is None or spec.max_length > LONG_TEXT else None
        return forms.CharField(max_length=spec.max_length, widget=widget, **common)
    if spec.type == "integer":
        return forms.IntegerField(**common)
    if spec.type == "decimal":
        return forms.DecimalField(**common)
    if spec.type == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.type == "choice":
        return forms.ChoiceField(choices=[("", "—")] + [(c, c) for c in spec.choices], **common)
    if spec.type == "boolean":
        return forms.BooleanField(required=False, label=label)
    if spec.type == "unit":
        return UnitChoiceField(**common, help_text=_("单位编码或全称"))
    return PersonChoiceField(**common, help_text=_("用户名"))


def transition_form_class(step: TransitionDef) -> type[forms.Form]:
    fields: dict[str, forms.Field] = {spec.name: field_for(spec) for spec in step.inputs}
    fields["reason"] = forms.CharField(
        label=_("理由") if step.require_reason else _("说明（选填）"),
        required=step.require_reason,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    return type(f"{step.name.title()}Form", (forms.Form,), fields)


class OverrideForm(forms.Form):
    to_state = forms.ChoiceField(label=_("改为状态"))
    reason = forms.CharField(label=_("干预理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, states: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_state"].choices = states  # type: ignore[attr-defined]
