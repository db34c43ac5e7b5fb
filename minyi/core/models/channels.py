"""O5 — intake channels. Codes are stable identifiers used by later apps; names are shown."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelCode(models.TextChoices):
    WEB = "web", _("网站")
    MOBILE = "mobile", _("手机页面")
    HOTLINE = "hotline", _("12345热线")
    MAILBOX = "mailbox", _("领导信箱")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    RECEPTION = "reception", _("联络站接待日")
    COURIER = "courier", _("民情专递员走访")
    PHOTO = "photo", _("随手拍")
    CHAT_IMPORT = "chat_import", _("群聊导入")
    OPEN311 = "open311", _("Open311接口")


# Channels through which staff register an item on someone else's behalf.
STAFF_ENTERED_CHANNELS = frozenset(
    {ChannelCode.HOTLINE, ChannelCode.MAILBOX, ChannelCode.LETTER, ChannelCode.VISIT, ChannelCode.RECEPTION,
     ChannelCode.COURIER, ChannelCode.CHAT_IMPORT}
)


class Channel(models.Model):
    """A registered intake channel; deployments may deactivate or rename, but codes stay."""

    code = models.CharField(_("代码"), max_length=20, unique=True, choices=ChannelCode.choices)
    name = models.CharField(_("名称"), max_length=40)
    staff_entered = models.BooleanField(_("由工作人员代为登记"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("受理渠道")
        verbose_name_plural = _("受理渠道")

    def __str__(self) -> str:
        return self.name
