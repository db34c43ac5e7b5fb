"""Forms of the administration site. Each validates with the action's check_* and the named rule,
so a refused request shows a form error and writes nothing; the admin then calls the action's do_*.

Every form class is built per request by the admin (`get_form`), which sets `admin_user` on it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.actions.channels import check_update_channel
from minyi.core.actions.people import DeputyInput, PersonInput, check_add_deputy_record, check_create_person
from minyi.core.actions.roles import check_grant_role
from minyi.core.actions.units import UnitInput, check_create_unit
from minyi.core.errors import ActionError
from minyi.core.models import Channel, DeputyRecord, Person, RoleGrant, Unit
from minyi.core.roles import ROLE_BY_CODE
from minyi.core.scope import units_in_scope

OUT_OF_SCOPE = gettext_lazy("该单位不在您的管辖范围内")


def scoped_units(user: Person) -> QuerySet[Unit]:
    units = Unit.objects.order_by("path")
    return units if user.is_superuser else units.filter(units_in_scope(user, "admin"))


class AdminUserForm(forms.ModelForm):
    """A model form that knows who is filling it in."""

    admin_user: Person  # set per request by the ModelAdmin

    def limit_unit_field(self, name: str, perm: str) -> None:
        field = self.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = scoped_units(self.admin_user)
            field.error_messages["invalid_choice"] = OUT_OF_SCOPE
            self._scoped_fields = getattr(self, "_scoped_fields", {}) | {name: perm}

    def check_scope(self, cleaned: dict[str, Any]) -> None:
        """Ask the named rule too: the restricted choice list is a convenience, the rule is the guard."""
        for name, perm in getattr(self, "_scoped_fields", {}).items():
            unit = cleaned.get(name)
            if unit is not None and not self.admin_user.has_perm(perm, unit):
                self.add_error(name, OUT_OF_SCOPE)

    def add_action_error(self, error: ActionError, default_field: str | None = None) -> None:
        field = error.details.get("field")
        self.add_error(field if field in self.fields else default_field, error.message)


class PersonByUsernameMixin(forms.Form):
    """Names a person by username instead of offering a list: an administrator must not be able to
    browse everyone on the platform, only to name someone they already know."""

    username = forms.CharField(label=gettext_lazy("人员用户名"), max_length=150)

    def clean_username(self) -> Person:
        username = self.cleaned_data["username"].strip()
        person = Person.objects.filter(username=username).first()
        if person is None:
            raise forms.ValidationError(_("找不到用户名为 %(u)s 的人员") % {"u": username})
        return person


class UnitAddForm(AdminUserForm):
    parent = forms.ModelChoiceField(
        label=gettext_lazy("上级单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy("留空表示新建顶级单位（仅超级管理员）"),
    )

    class Meta:
        model = Unit
        fields = ["parent", "name", "kind", "code", "address", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_unit_field("parent", "core.manage_units")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_scope(cleaned)
        parent = cleaned.get("parent")
        if parent is None and not self.admin_user.is_superuser and "parent" not in self.errors:
            self.add_error("parent", _("只有超级管理员可以新建顶级单位"))
        if not self.errors:
            try:
                check_create_unit(self.unit_input(), parent)
            except ActionError as error:
                self.add_action_error(error, "name")
        return cleaned

    def unit_input(self) -> UnitInput:
        c = self.cleaned_data
        return UnitInput(
            name=c["name"],
            kind=c["kind"],
            code=c.get("code") or None,
            address=c.get("address", ""),
            phone=c.get("phone", ""),
        )


class UnitChangeForm(AdminUserForm):
    reason = forms.CharField(label=gettext_lazy("修改理由"), max_length=200, required=False)

    class Meta:
        model = Unit
        fields = ["name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "name" in self.changed_data and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("更改单位名称必须说明理由"))
        return cleaned


class PersonAddForm(AdminUserForm):
    password = forms.CharField(
        label=gettext_lazy("初始密码"),
        required=False,
        widget=forms.PasswordInput,
        help_text=gettext_lazy("留空则该人员暂不能登录"),
    )

    class Meta:
        model = Person
        fields = ["username", "name", "phone", "email", "id_number", "home_unit"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_unit_field("home_unit", "core.manage_people")
        if not self.admin_user.is_superuser:
            self.fields["home_unit"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_scope(cleaned)
        if not self.errors:
            try:
                check_create_person(self.person_input())
            except ActionError as error:
                self.add_action_error(error, "username")
        return cleaned

    def person_input(self) -> PersonInput:
        c = self.cleaned_data
        return PersonInput(
            username=c["username"],
            name=c["name"],
            phone=c.get("phone", ""),
            email=c.get("email", ""),
            id_number=c.get("id_number", ""),
            home_unit=c.get("home_unit"),
            password=c.get("password") or None,
        )


class GrantRoleForm(PersonByUsernameMixin, AdminUserForm):
    class Meta:
        model = RoleGrant
        fields = ["username", "role", "unit", "note"]
        error_messages = {"role": {"invalid_choice": gettext_lazy("未知的角色：%(value)s")}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_unit_field("unit", "core.grant_role")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_scope(cleaned)
        person, role, unit = cleaned.get("username"), cleaned.get("role"), cleaned.get("unit")
        if role and role not in ROLE_BY_CODE:  # choices already refuse it; the catalogue is the authority
            self.add_error("role", _("未知的角色：%(value)s") % {"value": role})
        if not self.errors and person is not None and unit is not None:
            try:
                check_grant_role(person, str(role), unit)
            except ActionError as error:
                self.add_action_error(error, "role")
        return cleaned


class RevokeRoleForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤销理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("撤销角色必须说明理由")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("撤销角色必须说明理由"))
        return reason


class DeputyAddForm(PersonByUsernameMixin, AdminUserForm):
    class Meta:
        model = DeputyRecord
        fields = ["username", "body", "level", "unit", "delegation", "term", "term_start", "term_end"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_unit_field("unit", "core.manage_deputies")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_scope(cleaned)
        if not self.errors:
            try:
                check_add_deputy_record(cleaned["username"], self.deputy_input())
            except ActionError as error:
                self.add_action_error(error, "body")
        return cleaned

    def deputy_input(self) -> DeputyInput:
        c = self.cleaned_data
        return DeputyInput(
            body=c["body"],
            level=c["level"],
            unit=c["unit"],
            term_start=c["term_start"],
            term_end=c.get("term_end"),
            term=c.get("term", ""),
            delegation=c.get("delegation", ""),
        )


class ChannelChangeForm(AdminUserForm):
    reason = forms.CharField(label=gettext_lazy("修改理由"), max_length=200, required=False)

    class Meta:
        model = Channel
        fields = ["name", "is_active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            check_update_channel(cleaned.get("name"))
        except ActionError as error:
            self.add_action_error(error, "name")
        return cleaned
