"""Typed access to the person behind a request."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from minyi.core.models import Person


def current_person(request: HttpRequest) -> Person:
    """The logged-in person; views behind login_required call this instead of casting request.user."""
    user = request.user
    if not isinstance(user, Person) or not user.is_authenticated:
        raise PermissionDenied
    return user
