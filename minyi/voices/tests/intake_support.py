"""Fixtures and helpers for the intake tests (test_intake_*.py)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from minyi.core.actions.channels import ensure_default_channels
from minyi.core.actors import Actor
from minyi.core.models import Attachment, Event, Notification, ProcessInstance
from minyi.voices.actions.categories import ensure_default_categories
from minyi.voices.actions.intake import VoiceInput
from minyi.voices.models import Voice

ANONYMOUS = Actor(person=None, role="resident")


@pytest.fixture
def intake(tree, system):  # type: ignore[no-untyped-def]
    """The test tree plus the default channels and categories."""
    ensure_default_channels(actor=system)
    ensure_default_categories(actor=system)
    return tree


def photo(name: str = "p.png", color: str = "red") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def not_an_image() -> SimpleUploadedFile:
    return SimpleUploadedFile("fake.jpg", b"this is not a jpeg at all", content_type="image/jpeg")


def voice_input(unit: Any, **overrides: Any) -> VoiceInput:
    values: dict[str, Any] = {
        "title": "小区路灯不亮",
        "content": "金沙社区3栋门口的路灯坏了一个多月，晚上出行不安全。",
        "category": "street-lighting",
        "unit": unit,
        "place": "3栋门口",
        "contact_name": "王小明",
        "contact_phone": "13812345678",
    }
    values.update(overrides)
    return VoiceInput(**values)


def counts() -> dict[str, int]:
    """What intake writes; a refused request leaves every one unchanged."""
    return {
        "voices": Voice.objects.count(),
        "attachments": Attachment.objects.count(),
        "events": Event.objects.filter(subject_type="voices.voice").count(),
        "instances": ProcessInstance.objects.filter(process="voice").count(),
        "notifications": Notification.objects.count(),
    }
