"""Core models: the spine every app stands on (O1–O5)."""

from minyi.core.models.channels import Channel
from minyi.core.models.files import Attachment
from minyi.core.models.notifications import Notification, NotificationPreference
from minyi.core.models.people import DeputyRecord, LoginFailure, Person
from minyi.core.models.processes import ProcessDefinitionVersion, ProcessInstance
from minyi.core.models.record import ChainHead, Checkpoint, Event
from minyi.core.models.role_requests import RoleRequest
from minyi.core.models.roles import RoleGrant
from minyi.core.models.tokens import ApiToken
from minyi.core.models.units import Unit, UnitKind

__all__ = [
    "ApiToken",
    "Attachment",
    "ChainHead",
    "Channel",
    "Checkpoint",
    "DeputyRecord",
    "Event",
    "LoginFailure",
    "Notification",
    "NotificationPreference",
    "Person",
    "ProcessDefinitionVersion",
    "ProcessInstance",
    "RoleGrant",
    "RoleRequest",
    "Unit",
    "UnitKind",
]
