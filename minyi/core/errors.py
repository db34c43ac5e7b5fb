"""The one error type actions raise. Pages show `message`; the API returns {code, message, details}."""

from __future__ import annotations

from typing import Any


class ActionError(Exception):
    """A request that cannot be carried out as asked. Nothing has been written when it is raised."""

    status = 400

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}


class NotPermitted(ActionError):
    status = 403


class NotFound(ActionError):
    status = 404


class Conflict(ActionError):
    status = 409
