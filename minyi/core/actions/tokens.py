"""Creating and revoking personal API tokens. Both are recorded (not public: they concern one account)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, Conflict
from minyi.core.models import ApiToken, Person
from minyi.core.models.tokens import TOKEN_PREFIX, token_digest
from minyi.core.record.write import record_event

TOKEN_NAME_MAX_LENGTH = 80


@dataclass(frozen=True)
class NewToken:
    """A freshly made token: `secret` exists only here and is never stored."""

    token: ApiToken
    secret: str


def check_create_token(owner: Person, name: str, expires_in_days: int | None) -> None:
    if not owner.is_active:
        raise ActionError("person_inactive", _("该人员账号已停用"), {"field": "owner"})
    if not name.strip():
        raise ActionError("token_name_required", _("令牌名称不能为空"), {"field": "name"})
    if len(name.strip()) > TOKEN_NAME_MAX_LENGTH:
        raise ActionError(
            "token_name_too_long",
            _("令牌名称不能超过 %(n)d 个字") % {"n": TOKEN_NAME_MAX_LENGTH},
            {"field": "name"},
        )
    max_days = settings.MINYI_API_TOKEN_MAX_DAYS
    if expires_in_days is not None and not 1 <= expires_in_days <= max_days:
        raise ActionError(
            "token_expiry_range",
            _("有效天数须在 1 到 %(n)d 之间") % {"n": max_days},
            {"field": "expires_in_days", "max": max_days},
        )
    live = ApiToken.objects.usable(timezone.now()).filter(owner=owner).count()
    if live >= settings.MINYI_API_TOKEN_MAX_PER_PERSON:
        raise Conflict(
            "token_limit",
            _("有效令牌已达上限（%(n)d 个），请先撤销不用的令牌")
            % {"n": settings.MINYI_API_TOKEN_MAX_PER_PERSON},
            {"limit": settings.MINYI_API_TOKEN_MAX_PER_PERSON},
        )


@transaction.atomic
def do_create_token(
    owner: Person, *, actor: Actor, name: str, expires_in_days: int | None = None
) -> NewToken:
    check_create_token(owner, name, expires_in_days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(
        owner=owner,
        name=name.strip(),
        prefix=secret[:12],
        key_hash=token_digest(secret),
        expires_at=expires_at,
    )
    record_event(
        actor=actor,
        action="core.token.create",
        subject=token,
        unit=None,
        public=False,
        data={
            "owner": owner.pk,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return NewToken(token=token, secret=secret)


def check_revoke_token(token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise Conflict("token_already_revoked", _("该令牌已撤销"), {"field": "token"})


@transaction.atomic
def do_revoke_token(token: ApiToken, *, actor: Actor, reason: str = "") -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    check_revoke_token(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(
        actor=actor,
        action="core.token.revoke",
        subject=token,
        unit=None,
        public=False,
        data={"owner": token.owner_id, "name": token.name, "prefix": token.prefix},
        reason=reason,
    )
    return token
