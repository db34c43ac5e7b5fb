"""O2 — a role granted to a person on a unit reaches that unit's subtree."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minyi.core.roles import ROLE_CHOICES


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("人员")
    )
    role = models.CharField(_("角色"), max_length=40, choices=ROLE_CHOICES)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="role_grants", verbose_name=_("单位"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(max_length=200, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授予")
        verbose_name_plural = _("角色授予")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "unit"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_grant_per_person_role_unit",
            )
        ]
        indexes = [models.Index(fields=["person", "revoked_at"], name="grant_person_active")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} @ {self.unit}"
