"""O4 — the public record: append-only, hash-chained events.

One chain per subject (e.g. ``voices.voice:42``) so unrelated writes never wait on one lock; signed
checkpoints over all chain heads detect a chain truncated or removed as a whole. See
docs/public-record.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    chain = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # HMAC of the hash with MINYI_AUDIT_KEY: a row forged or rewritten without the key fails verification.
    signature = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=40, blank=True)
    actor_unit = models.ForeignKey(
        "core.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey("core.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=80)
    subject_type = models.CharField(max_length=60)
    subject_id = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("公示记录")
        verbose_name_plural = _("公示记录")
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="event_chain_seq")]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "seq"], name="event_subject"),
            # The public record, newest first: a partial index, because Django writes `public=True`
            # as the bare column (`WHERE "public"`), which SQLite matches to a partial index's
            # condition but not to a leading `public` column of a composite one.
            models.Index(fields=["occurred_at"], condition=models.Q(public=True), name="event_public_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq} {self.action}"


class ChainHead(models.Model):
    """Latest (seq, hash) of one chain; its row is the only lock an event write takes."""

    chain = models.CharField(max_length=100, primary_key=True)
    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    # HMAC over (chain, seq, hash): a head rolled back or advanced by hand fails verification.
    signature = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.chain}#{self.seq}"


class Checkpoint(models.Model):
    """A signed snapshot of every chain head, chained to the previous checkpoint."""

    # Not auto_now_add: the hash covers created_at, so make_checkpoint sets it before hashing.
    created_at = models.DateTimeField(default=timezone.now)
    heads = models.JSONField(default=dict)  # {chain: [seq, hash]}
    event_count = models.PositiveBigIntegerField()
    # Unique: two checkpoint runs racing cannot both extend the same predecessor (no fork).
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"checkpoint {self.pk} ({self.event_count} events)"
