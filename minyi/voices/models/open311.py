"""W2 — what an Open311 GeoReport v2 client sent with a request, beside the voice it created."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Request(models.Model):
    voice = models.OneToOneField("voices.Voice", on_delete=models.CASCADE, related_name="open311")
    # Returned with the created request; `GET tokens/{token}` answers with the request id.
    token = models.CharField(max_length=40, unique=True)
    client = models.ForeignKey(
        "core.ApiToken",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接口令牌"),
    )
    # Service-definition attributes (e.g. {"severity": "high"}) as the client sent them, validated.
    attributes = models.JSONField(default=dict, blank=True)
    media_url = models.URLField(_("图片链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 请求")
        verbose_name_plural = _("Open311 请求")

    def __str__(self) -> str:
        return self.token
