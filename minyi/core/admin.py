"""The administration site for the spine (O1, O2, O4, O5).

Scope: an administrator sees and changes only rows inside the subtrees where they hold the
administrator role; superusers see everything. Every change goes through an action, so it is
recorded in the public record exactly as the same change made from a page or the API would be.
The public record itself (events, chain heads, checkpoints) is read-only here: append-only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minyi.core.actions.channels import do_update_channel
from minyi.core.actions.people import do_add_deputy_record, do_create_person
from minyi.core.actions.roles import do_grant_role, do_revoke_role
from minyi.core.actions.units import do_create_unit, do_rename_unit
from minyi.core.actors import Actor
from minyi.core.admin_forms import (
    ChannelChangeForm,
    DeputyAddForm,
    GrantRoleForm,
    PersonAddForm,
    RevokeRoleForm,
    UnitAddForm,
    UnitChangeForm,
)
from minyi.core.errors import ActionError
from minyi.core.models import ChainHead, Channel, Checkpoint, DeputyRecord, Event, Person, RoleGrant, Unit
from minyi.core.scope import authorizing_grant, scope_q

ADMIN_ROLE = "admin"


def admin_actor(user: Any, unit: Unit | None) -> Actor:
    """The actor of an admin-site change: the administrator, in the capacity of their closest grant."""
    grant = authorizing_grant(user, ADMIN_ROLE, unit) if unit is not None else None
    return Actor(person=user, role=ADMIN_ROLE, unit=grant.unit if grant else None)


def adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved instance the row an action saved, so the admin's log and redirect work."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False
    target._state.db = saved._state.db


class ScopedAdmin(admin.ModelAdmin):
    """Rows limited to the administrator's subtrees through `scope_field` (a path column)."""

    scope_field = "unit__path"
    view_rule = "core.use_admin_site"
    add_form: type[forms.ModelForm] | None = None
    change_form: type[forms.ModelForm] | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(self.scope_filter(request.user))

    def scope_filter(self, user: Any) -> Q:
        return scope_q(user, ADMIN_ROLE, self.scope_field)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.admin_site.has_permission(request):
            return False
        return obj is None or request.user.has_perm(self.view_rule, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # nothing on the spine is deleted; grants are revoked, units and channels deactivated

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        chosen = self.add_form if obj is None else self.change_form
        if chosen is not None:
            kwargs["form"] = chosen
        form = super().get_form(request, obj, change=change, **kwargs)
        form.admin_user = request.user  # type: ignore[attr-defined]  # a fresh class per call, so this stays per request
        return form


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    scope_field = "path"
    view_rule = "core.view_unit"
    add_form = UnitAddForm
    change_form = UnitChangeForm
    list_display = ["tree_name", "kind", "code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    ordering = ["path"]  # path order is depth-first tree order
    list_per_page = 200

    @admin.display(description=gettext_lazy("名称"), ordering="path")
    def tree_name(self, unit: Unit) -> str:
        return format_html(
            '<span style="padding-left:{}em">{}{}</span>',
            1.5 * (unit.depth - 1),
            "└ " if unit.depth > 1 else "",
            unit.name,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Unit | None = None) -> list[str]:
        return [] if obj is None else ["kind", "code", "path", "is_active", "address", "phone"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.has_perm("core.manage_units")

    def has_change_permission(self, request: HttpRequest, obj: Unit | None = None) -> bool:
        if obj is None:
            return self.has_add_permission(request)
        return request.user.has_perm("core.manage_units", obj)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if not change:
            parent = form.cleaned_data.get("parent")
            unit = do_create_unit(form.unit_input(), parent, actor=admin_actor(request.user, parent))
            adopt(obj, unit)
        elif "name" in form.changed_data:
            current = Unit.objects.get(pk=obj.pk)
            do_rename_unit(
                current,
                form.cleaned_data["name"],
                actor=admin_actor(request.user, current),
                reason=form.cleaned_data["reason"].strip(),
            )


class RoleGrantInline(admin.TabularInline):
    """A person's roles, read-only: grants are made and revoked from 角色授予 so each is recorded."""

    model = RoleGrant
    fk_name = "person"
    fields = ("role", "unit", "granted_at", "granted_by", "revoked_at", "revoked_by", "revoke_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # shown only inside a Person page the user may already view

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleGrant]:
        return super().get_queryset(request).select_related("unit", "granted_by", "revoked_by")


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    view_rule = "core.view_person"
    add_form = PersonAddForm
    list_display = ["username", "name", "home_unit", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["home_unit"]
    search_fields = ["username", "name"]
    ordering = ["username"]
    inlines = [RoleGrantInline]
    # Change pages are read-only: personal data is edited by its owner; roles change through grants.
    readonly_fields = [
        "username",
        "name",
        "phone",
        "email",
        "home_unit",
        "is_active",
        "date_joined",
        "last_login",
    ]

    def scope_filter(self, user: Any) -> Q:
        in_scope_grants = RoleGrant.objects.active().filter(scope_q(user, ADMIN_ROLE, "unit__path"))
        return scope_q(user, ADMIN_ROLE, "home_unit__path") | Q(pk__in=in_scope_grants.values("person_id"))

    def get_fields(self, request: HttpRequest, obj: Person | None = None) -> Any:
        if obj is None:
            return [*PersonAddForm._meta.fields, "password"]  # type: ignore[misc,index]
        return self.readonly_fields

    def get_readonly_fields(self, request: HttpRequest, obj: Person | None = None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Person | None) -> list[Any]:
        return self.inlines if obj is not None else []

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.has_perm("core.manage_people")

    def has_change_permission(self, request: HttpRequest, obj: Person | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Person, form: Any, change: bool) -> None:
        data = form.person_input()
        person = do_create_person(data, actor=admin_actor(request.user, data.home_unit))
        adopt(obj, person)


@admin.register(RoleGrant)
class RoleGrantAdmin(ScopedAdmin):
    view_rule = "core.grant_role"
    add_form = GrantRoleForm
    list_display = ["person", "role", "unit", "granted_at", "granted_by", "revoked_at", "revoke_reason"]
    list_filter = ["role", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["person", "unit", "granted_by"]
    search_fields = ["person__username", "person__name", "unit__name", "unit__code"]
    ordering = ["-granted_at"]
    actions = ["revoke_grants"]
    readonly_fields = [
        "person",
        "role",
        "unit",
        "note",
        "granted_at",
        "granted_by",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: RoleGrant | None = None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: RoleGrant | None = None) -> Any:
        return list(GrantRoleForm._meta.fields) if obj is None else self.readonly_fields  # type: ignore[arg-type,misc]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.has_perm("core.grant_role")

    def has_change_permission(self, request: HttpRequest, obj: RoleGrant | None = None) -> bool:
        return False  # a grant never changes; it is revoked (and a new one made)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.has_perm("core.revoke_role")

    def save_model(self, request: HttpRequest, obj: RoleGrant, form: Any, change: bool) -> None:
        c = form.cleaned_data
        grant = do_grant_role(
            c["username"],
            c["role"],
            c["unit"],
            actor=admin_actor(request.user, c["unit"]),
            note=c.get("note", ""),
        )
        adopt(obj, grant)

    @admin.action(description=gettext_lazy("撤销所选角色授予"), permissions=["revoke"])
    def revoke_grants(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> HttpResponse | None:
        grants = list(queryset.select_related("person", "unit"))
        form = RevokeRoleForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            allowed = [
                g for g in grants if g.revoked_at is None and request.user.has_perm("core.revoke_role", g)
            ]
            try:
                with transaction.atomic():  # all selected grants or none
                    for grant in allowed:
                        do_revoke_role(
                            grant,
                            actor=admin_actor(request.user, grant.unit),
                            reason=form.cleaned_data["reason"],
                        )
            except ActionError as error:
                self.message_user(request, error.message, messages.ERROR)
                return None
            skipped = len(grants) - len(allowed)
            self.message_user(request, _("已撤销 %(n)d 项角色授予") % {"n": len(allowed)}, messages.SUCCESS)
            if skipped:
                self.message_user(
                    request, _("%(n)d 项已撤销或无权撤销，已跳过") % {"n": skipped}, messages.WARNING
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("撤销角色授予"),
            "opts": self.model._meta,
            "grants": grants,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/core/rolegrant/revoke.html", context)


@admin.register(DeputyRecord)
class DeputyRecordAdmin(ScopedAdmin):
    view_rule = "core.manage_deputies"
    add_form = DeputyAddForm
    list_display = ["person", "body", "level", "unit", "term", "term_start", "term_end"]
    list_filter = ["body", "level"]
    list_select_related = ["person", "unit"]
    search_fields = ["person__username", "person__name", "unit__name", "delegation"]
    readonly_fields = ["person", "body", "level", "unit", "delegation", "term", "term_start", "term_end"]

    def get_readonly_fields(self, request: HttpRequest, obj: DeputyRecord | None = None) -> list[str]:
        return [] if obj is None else self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: DeputyRecord | None = None) -> Any:
        return list(DeputyAddForm._meta.fields) if obj is None else self.readonly_fields  # type: ignore[arg-type,misc]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or request.user.has_perm("core.manage_deputies")

    def has_change_permission(self, request: HttpRequest, obj: DeputyRecord | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DeputyRecord, form: Any, change: bool) -> None:
        data = form.deputy_input()
        record = do_add_deputy_record(
            form.cleaned_data["username"], data, actor=admin_actor(request.user, data.unit)
        )
        adopt(obj, record)


@admin.register(Channel)
class ChannelAdmin(ScopedAdmin):
    """Channels are platform-wide: every administrator sees them; platform administrators change them."""

    change_form = ChannelChangeForm
    list_display = ["code", "name", "staff_entered", "is_active", "sort_order"]
    ordering = ["sort_order", "code"]
    readonly_fields = ["code", "staff_entered", "sort_order"]
    fields = ["code", "name", "is_active", "reason", "staff_entered", "sort_order"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Channel]:
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request)

    def get_fields(self, request: HttpRequest, obj: Channel | None = None) -> Any:
        if self.has_change_permission(request, obj):
            return self.fields
        return [f for f in self.fields if f != "reason"]  # a view-only page has no form field to show

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the registry is ChannelCode; ensure_default_channels creates the rows

    def has_change_permission(self, request: HttpRequest, obj: Channel | None = None) -> bool:
        return request.user.is_superuser or request.user.has_perm("core.manage_channels")

    def save_model(self, request: HttpRequest, obj: Channel, form: Any, change: bool) -> None:
        c = form.cleaned_data
        do_update_channel(
            Channel.objects.get(pk=obj.pk),
            actor=admin_actor(request.user, None),
            name=c["name"],
            is_active=c["is_active"],
            reason=c.get("reason", ""),
        )
        obj.refresh_from_db()


class RecordAdmin(ScopedAdmin):
    """Append-only: no add, change or delete, for anyone, superusers included."""

    view_rule = "core.verify_record"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


@admin.register(Event)
class EventAdmin(RecordAdmin):
    list_display = ["chain", "seq", "action", "occurred_at", "actor", "actor_role", "unit", "public"]
    list_filter = ["public"]
    list_select_related = ["actor", "unit"]
    search_fields = ["chain", "action", "subject_id"]
    ordering = ["-occurred_at", "-id"]
    date_hierarchy = "occurred_at"

    def get_readonly_fields(self, request: HttpRequest, obj: Event | None = None) -> list[str]:
        return [f.name for f in Event._meta.concrete_fields]


class GlobalRecordAdmin(RecordAdmin):
    """Chain heads and checkpoints carry no personal data and no unit: for integrity checks."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.admin_site.has_permission(request) and (
            request.user.is_superuser or request.user.has_perm("core.verify_record")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.concrete_fields]


@admin.register(ChainHead)
class ChainHeadAdmin(GlobalRecordAdmin):
    list_display = ["chain", "seq", "hash", "updated_at"]
    search_fields = ["chain"]
    ordering = ["chain"]


@admin.register(Checkpoint)
class CheckpointAdmin(GlobalRecordAdmin):
    list_display = ["id", "created_at", "event_count", "hash"]
    ordering = ["-id"]
