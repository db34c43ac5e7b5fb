"""D2 — the duties beyond attendance: liaison with residents, leading resolutions, reporting supervised matters."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    VISIT = "visit", _("入户走访")
    PHONE = "phone", _("电话、微信联系")
    RECEPTION = "reception", _("接待来访")
    UNIT = "unit", _("联系辖区单位")


class LiaisonContact(models.Model):
    """联系居民及辖区单位: a member logs a contact (whom, when, what was raised)."""

    membership = models.ForeignKey(
        "deliberation.Membership", on_delete=models.CASCADE, related_name="contacts"
    )
    contacted_on = models.DateField(_("联系日期"), db_index=True)
    kind = models.CharField(_("联系方式"), max_length=10, choices=ContactKind.choices)
    whom = models.CharField(_("联系对象"), max_length=200)
    summary = models.TextField(_("反映的问题与意见"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.membership_id} {self.contacted_on}"


class Assignment(models.Model):
    """带头执行决议: a member is given a part in carrying out a passed topic."""

    topic = models.ForeignKey("deliberation.Topic", on_delete=models.CASCADE, related_name="assignments")
    membership = models.ForeignKey(
        "deliberation.Membership", on_delete=models.PROTECT, related_name="assignments"
    )
    task = models.CharField(_("任务"), max_length=300)
    assigned_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("完成情况"), blank=True)

    class Meta:
        ordering = ["assigned_at", "pk"]

    def __str__(self) -> str:
        return self.task


class SupervisionReport(models.Model):
    """反映督办事项: a supervising member reports what they found on a topic they supervise."""

    topic = models.ForeignKey(
        "deliberation.Topic", on_delete=models.CASCADE, related_name="supervision_reports"
    )
    membership = models.ForeignKey(
        "deliberation.Membership", on_delete=models.PROTECT, related_name="supervision_reports"
    )
    text = models.TextField(_("督办情况"))
    reported_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["reported_at", "pk"]

    def __str__(self) -> str:
        return self.text[:50]
