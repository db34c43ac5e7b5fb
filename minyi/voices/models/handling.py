"""V2/V3 — co-handlers, handling notes and supervision of a voice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CoHandler(models.Model):
    """A department assigned to help the lead department (协办单位)."""

    voice = models.ForeignKey("voices.Voice", on_delete=models.CASCADE, related_name="co_handlers")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("协办单位"))
    assigned_at = models.DateTimeField(auto_now_add=True)
    opinion = models.TextField(_("协办意见"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["voice", "unit"], name="one_cohandler_per_unit")]

    def __str__(self) -> str:
        return f"{self.voice_id} · {self.unit_id}"


class HandlingNote(models.Model):
    """Progress written while handling (办理过程), without changing the item's state."""

    voice = models.ForeignKey("voices.Voice", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("办理情况"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class Supervision(models.Model):
    """V3 — an item put under supervision (督办) by a deputy or a supervisory body."""

    voice = models.ForeignKey("voices.Voice", on_delete=models.CASCADE, related_name="supervisions")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=40)
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("督办意见"))
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.voice_id} 督办"
