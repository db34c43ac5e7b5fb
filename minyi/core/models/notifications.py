"""In-app notifications and per-person delivery preferences."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("每条即时发送")
    DIGEST = "digest", _("每日汇总")
    NONE = "none", _("不发送邮件")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the daily digest. Decided when the row is made (from the recipient's preference then),
    # so a person who turns email back on later is not sent a backlog of old notifications.
    email_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            # Partial: the digest scans only pending rows, a small fraction of the table.
            models.Index(
                fields=["recipient"],
                name="notification_digest_pending",
                condition=models.Q(email_pending=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_mode = models.CharField(max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST)
    sms = models.BooleanField(default=False)
    wechat = models.BooleanField(default=False)
    # Kinds ("voices.assigned") or kind prefixes ("voices") delivered in-app only: no email, SMS or WeChat.
    muted_kinds = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.email_mode}"

    def mutes(self, kind: str) -> bool:
        return any(kind == muted or kind.startswith(f"{muted}.") for muted in self.muted_kinds)
