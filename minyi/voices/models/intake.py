"""V1 intake — failed look-ups of a tracking code, kept to throttle guessing per client address."""

from __future__ import annotations

from django.db import models


class TrackingAttempt(models.Model):
    """A failed tracking look-up (wrong or forged code); see minyi/voices/actions/tracking.py."""

    address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"], name="trackattempt_addr_at")]

    def __str__(self) -> str:
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"
