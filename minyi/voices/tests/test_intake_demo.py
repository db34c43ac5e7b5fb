"""The demo voices: built through the actions, spread over channels, states and months, deterministic."""

from __future__ import annotations

from django.utils import timezone

from minyi.core.demo.build import build_demo
from minyi.core.models import Event, ProcessInstance
from minyi.voices.demo import UNACCEPTED_WITHIN, build_demo_voices
from minyi.voices.models import Voice
from minyi.voices.views.insights import showcase_voices


def test_demo_voices(db):
    build_demo(2026)
    # How long this takes is measured by `minyi demo`'s own timing, never asserted in a test.
    summary = build_demo_voices(2026)
    assert summary.created == Voice.objects.count() == 300
    channels = set(Voice.objects.values_list("channel__code", flat=True))
    assert {"web", "mobile", "hotline", "visit", "reception", "courier"} <= channels
    assert Voice.objects.values("category").distinct().count() >= 12
    months = {v.strftime("%Y-%m") for v in Voice.objects.values_list("created_at", flat=True)}
    assert len(months) >= 10
    states = set(ProcessInstance.objects.filter(process="voice").values_list("state", flat=True))
    assert {"registered", "community_handling", "replied", "closed"} <= states
    assert ProcessInstance.objects.filter(process="voice", state="department_handling").exists() or (
        Voice.objects.exclude(lead_department=None).exists()
    )
    assert Voice.objects.exclude(satisfaction="").exists() and Voice.objects.exclude(reply="").exists()
    assert Voice.objects.filter(submitter__username="resident").exists()
    # Only recent items still wait to be accepted: an office would have taken anything older.
    waiting = ProcessInstance.objects.filter(process="voice", state="registered")
    oldest = min(waiting.values_list("created_at", flat=True))
    assert timezone.now() - oldest < UNACCEPTED_WITHIN
    assert Event.objects.filter(action="voices.voice.register", actor__username="hotline").exists()
    # The publicity board, the showcase and anonymous search have items: only those whose submitter
    # agreed, each published through the action (its public event).
    published = Voice.objects.filter(is_published=True)
    assert published.count() >= 20 and not published.filter(wants_public=False).exists()
    assert Event.objects.filter(action="voices.publish", public=True).count() == published.count()
    assert showcase_voices().exists()
    # A second run adds nothing.
    assert build_demo_voices(2026).created == 0 and Voice.objects.count() == 300


def test_demo_voices_are_deterministic_per_seed(db):
    build_demo(2026)
    build_demo_voices(2026, count=25)
    first = list(
        Voice.objects.order_by("pk").values_list("title", "unit__code", "channel__code", "contact_phone")
    )
    states = list(ProcessInstance.objects.order_by("pk").values_list("state", flat=True))
    Voice.objects.update(duplicate_of=None)
    for model in (ProcessInstance,):
        model.objects.filter(process="voice").delete()
    Voice.objects.all().delete()
    build_demo_voices(2026, count=25)
    assert (
        list(
            Voice.objects.order_by("pk").values_list("title", "unit__code", "channel__code", "contact_phone")
        )
        == first
    )
    assert list(ProcessInstance.objects.order_by("pk").values_list("state", flat=True)) == states
