"""The caller: who I am, my roles, my API tokens."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from minyi.core.actions.tokens import TOKEN_NAME_MAX_LENGTH, do_create_token, do_revoke_token
from minyi.core.api.schemas import GrantOut, MeOut, NewTokenOut, TokenOut, UnitRef
from minyi.core.apiutil.actors import actor_as_self
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.pagination import Page, PageQuery, paginate
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotPermitted
from minyi.core.models import ApiToken, RoleGrant
from minyi.core.roles import role_label
from minyi.core.scope import active_grants

router = Router(tags=["me"])


def grant_out(grant: RoleGrant) -> GrantOut:
    return GrantOut(
        id=grant.pk,
        person_id=grant.person_id,
        role=grant.role,
        role_label=role_label(grant.role),
        unit=UnitRef.of(grant.unit),
        granted_at=grant.granted_at,
        note=grant.note,
        revoked_at=grant.revoked_at,
        revoke_reason=grant.revoke_reason,
    )


@router.get("/me", response={200: MeOut, **error_responses(401)})
def me(request: HttpRequest) -> MeOut:
    """The caller's account and active role grants, each with its unit."""
    person = current_person(request)
    home = person.home_unit if person.home_unit_id else None
    return MeOut(
        id=person.pk,
        username=person.username,
        name=person.name,
        email=person.email,
        home_unit=UnitRef.of(home) if home else None,
        language=person.language,
        roles=[grant_out(g) for g in sorted(active_grants(person), key=lambda g: (g.unit.path, g.role))],
    )


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
    )


class TokenFilters(PageQuery):
    include_revoked: bool = Field(False, description="also list revoked tokens")


@router.get("/me/tokens", response={200: Page[TokenOut], **error_responses(401, 422)})
def list_my_tokens(request: HttpRequest, filters: Query[TokenFilters]) -> dict[str, Any]:
    tokens = ApiToken.objects.filter(owner=current_person(request))
    if not filters.include_revoked:
        tokens = tokens.filter(revoked_at__isnull=True)
    return paginate(request, tokens, filters, lambda rows: [token_out(t) for t in rows])


class TokenIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=TOKEN_NAME_MAX_LENGTH)]
    expires_in_days: int | None = Field(
        None, ge=1, le=100_000, description="omit for a token that never expires"
    )


@router.post("/me/tokens", response={201: NewTokenOut, **error_responses(400, 401, 403, 409, 422)})
def create_my_token(request: HttpRequest, data: TokenIn) -> Status:
    """Make a token; its secret is in the answer once and never again. Needs a session (log in):
    a token cannot mint further tokens, so a leaked token cannot outlive its own expiry."""
    person = current_person(request)
    if getattr(request, "minyi_via_token", False):
        raise NotPermitted("session_required", _("创建令牌需要登录后在浏览器中操作，不能使用令牌创建令牌"))
    made = do_create_token(
        person, actor=actor_as_self(person), name=data.name, expires_in_days=data.expires_in_days
    )
    return Status(201, NewTokenOut(**token_out(made.token).model_dump(), token=made.secret))


class RevokeTokenIn(Schema):
    reason: Annotated[Text, Field(max_length=200)] = ""


@router.post("/me/tokens/{token_id}/revoke", response={200: TokenOut, **error_responses(401, 404, 409, 422)})
def revoke_my_token(request: HttpRequest, token_id: ObjectId, data: RevokeTokenIn | None = None) -> TokenOut:
    person = current_person(request)
    token = get_object_or_404(ApiToken, pk=token_id, owner=person)
    token = do_revoke_token(token, actor=actor_as_self(person), reason=data.reason if data else "")
    return token_out(token)
