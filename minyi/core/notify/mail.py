"""Email text, written in the recipient's language (msgids in Chinese, English from the .po file)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minyi.core.models import Notification, Person
from minyi.core.notify.preferences import language_of

# A digest lists at most this many notifications in full; the rest are counted and wait in the centre.
DIGEST_ITEMS_SHOWN = 100
DIGEST_BODY_CHARS = 200


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.MINYI_SITE_URL.rstrip('/')}/{url.lstrip('/')}"


def _one_line(text: str) -> str:
    # Header values must not contain line breaks (Django refuses them as header injection).
    return " ".join(text.split())


def _message(person: Person, language: str, subject: str, lines: list[str]) -> EmailMessage:
    return EmailMessage(
        subject=_one_line(subject),
        body="\n".join(lines) + "\n",
        to=[person.email],
        headers={"Content-Language": language},
    )


def _greeting(person: Person) -> str:
    return _("%(name)s，您好：") % {"name": str(person)}


def _footer() -> str:
    return _("此邮件由%(site)s自动发送，请勿直接回复。您可以在“通知设置”中调整接收方式。") % {
        "site": settings.MINYI_SITE_NAME
    }


def immediate_message(person: Person, notification: Notification) -> EmailMessage:
    """One notification, one mail (email mode "immediate")."""
    language = language_of(person)
    with translation.override(language):
        subject = _("【%(site)s】%(title)s") % {"site": settings.MINYI_SITE_NAME, "title": notification.title}
        lines = [_greeting(person), "", notification.title]
        if notification.body:
            lines += ["", notification.body]
        if notification.url:
            lines += ["", _("查看详情：%(url)s") % {"url": absolute_url(notification.url)}]
        lines += ["", "--", _footer()]
        return _message(person, language, subject, lines)


def digest_message(person: Person, notifications: Sequence[Notification]) -> EmailMessage:
    """All of a person's pending notifications in one mail (email mode "digest")."""
    language = language_of(person)
    count = len(notifications)
    with translation.override(language):
        subject = ngettext(
            "【%(site)s】您有 %(count)d 条新通知", "【%(site)s】您有 %(count)d 条新通知", count
        ) % {"site": settings.MINYI_SITE_NAME, "count": count}
        lines = [_greeting(person), "", _("以下是您尚未通过邮件收到的通知：")]
        for notification in notifications[:DIGEST_ITEMS_SHOWN]:
            when = timezone.localtime(notification.created_at).strftime("%Y-%m-%d %H:%M")
            lines += ["", f"· {when}  {notification.title}"]
            if notification.body:
                body = _one_line(notification.body)
                if len(body) > DIGEST_BODY_CHARS:
                    body = body[:DIGEST_BODY_CHARS] + "…"
                lines.append(f"  {body}")
            if notification.url:
                lines.append(f"  {absolute_url(notification.url)}")
        hidden = count - DIGEST_ITEMS_SHOWN
        if hidden > 0:
            lines += ["", _("另有 %(count)d 条通知，请登录后在通知中心查看。") % {"count": hidden}]
        lines += ["", _("通知中心：%(url)s") % {"url": absolute_url("/")}, "", "--", _footer()]
        return _message(person, language, subject, lines)
