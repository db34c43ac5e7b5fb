"""The caller's in-app notifications."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router

from minyi.core.actions.notifications import do_mark_read
from minyi.core.api.schemas import NotificationOut
from minyi.core.apiutil.actors import actor_as_self
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId
from minyi.core.models import Notification

router = Router(tags=["notifications"])


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=n.kind,
        title=n.title,
        body=n.body,
        url=n.url,
        created_at=n.created_at,
        read_at=n.read_at,
    )


class NotificationFilters(PageQuery):
    unread: bool | None = Field(None, description="true: only unread; false: only read")


@router.get("/notifications", response={200: Page[NotificationOut], **error_responses(401, 422)})
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]) -> dict[str, Any]:
    """Mine only, newest first."""
    rows = Notification.objects.filter(recipient=current_person(request))
    if filters.unread is not None:
        rows = rows.filter(read_at__isnull=filters.unread)
    return paginate(request, rows, filters, lambda page: [notification_out(n) for n in page])


@router.post(
    "/notifications/{notification_id}/read", response={200: NotificationOut, **error_responses(401, 404, 422)}
)
def read_notification(request: HttpRequest, notification_id: ObjectId) -> NotificationOut:
    """Mark one of mine read (idempotent). Someone else's is a 404."""
    me = current_person(request)
    notification = get_object_or_404(Notification, pk=notification_id, recipient=me)
    do_mark_read(me, actor=actor_as_self(me), notification_id=notification.pk)
    notification.refresh_from_db(fields=["read_at"])
    return notification_out(notification)
