"""O5 — the registry of intake channels.

Codes are the stable identifiers later apps store on each item ("arrived by hotline"); a deployment
may rename or deactivate a channel, never recode it, so old items keep pointing at the right one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, NotFound
from minyi.core.models import Channel
from minyi.core.models.channels import STAFF_ENTERED_CHANNELS, ChannelCode
from minyi.core.record.write import record_event

# Gaps between sort orders leave room for a deployment to slot its own ordering in between.
SORT_STEP = 10
NAME_MAX_LENGTH = Channel._meta.get_field("name").max_length or 40


def default_sort_order(code: str) -> int:
    return (list(ChannelCode.values).index(code) + 1) * SORT_STEP


def active_channels() -> QuerySet[Channel]:
    """Channels an item may arrive by, in display order. For intake forms and filters of later apps."""
    return Channel.objects.filter(is_active=True).order_by("sort_order", "code")


def channel_by_code(code: str) -> Channel:
    channel = Channel.objects.filter(code=code).first()
    if channel is None:
        raise NotFound(
            "channel_unknown", _("未知的受理渠道：%(code)s") % {"code": code}, {"field": "channel"}
        )
    return channel


@transaction.atomic
def ensure_default_channels(*, actor: Actor) -> list[Channel]:
    """Create every channel of ChannelCode that does not exist yet; return the ones created.

    Idempotent: existing channels keep whatever name, state and order the deployment gave them.
    Safe to call from a data migration and again on every deploy.
    """
    existing = set(Channel.objects.values_list("code", flat=True))
    created: list[Channel] = []
    # Names are stored in the site language (Chinese msgids), whatever language the caller runs in.
    with translation.override(settings.LANGUAGE_CODE):
        for code in ChannelCode:
            if code.value in existing:
                continue
            channel = Channel.objects.create(
                code=code.value,
                name=str(code.label),
                staff_entered=code in STAFF_ENTERED_CHANNELS,
                is_active=True,
                sort_order=default_sort_order(code.value),
            )
            record_event(
                actor=actor,
                action="core.channel.create",
                subject=channel,
                unit=None,
                public=True,
                data={"code": channel.code, "name": channel.name, "staff_entered": channel.staff_entered},
            )
            created.append(channel)
    return created


def check_update_channel(name: str | None) -> None:
    if name is not None:
        if not name.strip():
            raise ActionError("channel_name_required", _("渠道名称不能为空"), {"field": "name"})
        if len(name.strip()) > NAME_MAX_LENGTH:
            raise ActionError(
                "channel_name_too_long",
                _("渠道名称不能超过 %(n)d 个字") % {"n": NAME_MAX_LENGTH},
                {"field": "name"},
            )


@transaction.atomic
def do_update_channel(
    channel: Channel,
    *,
    actor: Actor,
    name: str | None = None,
    is_active: bool | None = None,
    reason: str = "",
) -> Channel:
    """Rename and/or (de)activate a channel. A call that changes nothing writes nothing."""
    check_update_channel(name)
    channel = Channel.objects.select_for_update().get(pk=channel.pk)
    changes: dict[str, list[object]] = {}
    if name is not None and name.strip() != channel.name:
        changes["name"] = [channel.name, name.strip()]
        channel.name = name.strip()
    if is_active is not None and is_active != channel.is_active:
        changes["is_active"] = [channel.is_active, is_active]
        channel.is_active = is_active
    if not changes:
        return channel
    channel.save(update_fields=list(changes))
    record_event(
        actor=actor,
        action="core.channel.update",
        subject=channel,
        unit=None,
        public=True,
        data={"code": channel.code, "changes": changes},
        reason=reason.strip(),
    )
    return channel
