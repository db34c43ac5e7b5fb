"""How any model instance is named in events, process instances and attachments."""

from __future__ import annotations

from django.db import models


def subject_type(obj: models.Model) -> str:
    return obj._meta.label_lower


def subject_ref(obj: models.Model) -> tuple[str, str]:
    return subject_type(obj), str(obj.pk)


def chain_name(obj: models.Model) -> str:
    kind, pk = subject_ref(obj)
    return f"{kind}:{pk}"
