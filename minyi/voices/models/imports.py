"""V1 — a bulk import of hotline (12345) or chat-group exports: parsed once, previewed, then run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportSource(models.TextChoices):
    HOTLINE = "hotline", _("12345热线工单")
    CHAT = "chat", _("群聊记录")


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("待确认")
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ImportBatch(models.Model):
    """One uploaded file. `rows` holds every parsed row (valid ones with resolved ids), so the
    confirmation and the background run never read the file again."""

    source = models.CharField(_("来源"), max_length=10, choices=ImportSource.choices)
    filename = models.CharField(_("文件名"), max_length=200)
    file_sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    default_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("默认所属区域"),
    )
    default_category = models.ForeignKey(
        "voices.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("默认类别"),
    )
    columns = models.JSONField(default=dict)  # header as written → field it was recognised as
    rows = models.JSONField(default=list)
    errors = models.JSONField(default=list)  # [{"row": 3, "column": "联系电话", "problem": "…"}]
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    valid_only = models.BooleanField(_("只导入有效行"), default=False)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("批量导入")
        verbose_name_plural = _("批量导入")

    def __str__(self) -> str:
        return self.filename

    @property
    def invalid_rows(self) -> int:
        return self.total_rows - self.valid_rows

    @property
    def percent(self) -> int:
        todo = self.valid_rows or 1
        return min(100, round(100 * self.processed_rows / todo))
