"""Reference lists everyone may read: the role catalogue and the intake channels."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from minyi.core.api.schemas import ChannelOut, RoleOut
from minyi.core.apiutil.auth import optional_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.models import Channel
from minyi.core.roles import ROLES

router = Router(tags=["catalogue"])


@router.get("/roles", response={200: list[RoleOut], **error_responses(401)}, auth=None)
def list_roles(request: HttpRequest) -> list[RoleOut]:
    """The role catalogue: the only roles that may be granted (labels follow Accept-Language)."""
    optional_person(request)
    return [
        RoleOut(code=r.code, label=str(r.label), description=str(r.description), staff=r.staff) for r in ROLES
    ]


@router.get("/channels", response={200: list[ChannelOut], **error_responses(401)}, auth=None)
def list_channels(request: HttpRequest) -> list[ChannelOut]:
    """Active intake channels, in display order (a short, bounded list: not paginated)."""
    optional_person(request)
    return [
        ChannelOut(code=c.code, name=c.name, staff_entered=c.staff_entered)
        for c in Channel.objects.filter(is_active=True)
    ]
