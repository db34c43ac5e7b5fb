"""V5 — timing milestones of a voice, kept so that rates are plain aggregates (see docs/voices.md, Rates).

One row per voice, recomputed from the voice's own record (its `voice.*` process events) by
`minyi.voices.rates.sync_milestones`, which every handling action calls after its transition. The
record stays the source of truth: `rebuild_milestones()` recomputes every row from it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VoiceMilestones(models.Model):
    voice = models.OneToOneField(
        "voices.Voice", on_delete=models.CASCADE, primary_key=True, related_name="milestones"
    )
    registered_at = models.DateTimeField(_("登记时间"))
    # The acceptance deadline set when the item entered `registered` (its first entry).
    accept_due_at = models.DateTimeField(_("受理时限"), null=True, blank=True)
    # First time the item left `registered` (accepted, taken, escalated, declined or merged).
    accepted_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    # The deadline in force for the reply: that of the latest handling state entered before the
    # first reply (frozen once replied).
    reply_due_at = models.DateTimeField(_("答复时限"), null=True, blank=True)
    replied_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    # 面商: the first face-to-face consultation with the proposer (deputies' suggestions, proposals),
    # reported by the suggestions module through `rates.note_face_to_face`.
    consulted_at = models.DateTimeField(_("面商时间"), null=True, blank=True)
    # Declined or merged: never due a reply.
    excluded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("办理时间节点")
        verbose_name_plural = _("办理时间节点")

    def __str__(self) -> str:
        return f"{self.voice_id} milestones"
