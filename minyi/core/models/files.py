"""Attachments stored through Django's storage API; checked by content before they get here."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Attachment(models.Model):
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.CharField(max_length=40, blank=True)
    is_public = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="attachment_subject")]

    def __str__(self) -> str:
        return self.original_name
