"""A person's request for a role on a unit, decided by that unit's administrators (process `role_request`)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minyi.core.roles import ROLE_CHOICES
from minyi.core.subjects import RelationalPeople


class RoleRequest(RelationalPeople, models.Model):
    RELATIONAL_FIELDS: ClassVar[dict[str, str]] = {"submitter": "person"}

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_requests",
        verbose_name=_("申请人"),
    )
    role = models.CharField(_("申请角色"), max_length=40, choices=ROLE_CHOICES)
    unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, related_name="role_requests", verbose_name=_("单位")
    )
    note = models.CharField(_("申请说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The grant an approval produced, so the request and the role it gave stay linked.
    grant = models.OneToOneField(
        "core.RoleGrant", on_delete=models.PROTECT, null=True, blank=True, related_name="request"
    )

    class Meta:
        verbose_name = _("角色申请")
        verbose_name_plural = _("角色申请")
        indexes = [models.Index(fields=["person", "created_at"], name="rolerequest_person")]

    def __str__(self) -> str:
        return f"{self.person} → {self.get_role_display()} @ {self.unit}"
