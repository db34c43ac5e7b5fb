"""The notification centre actions (mark read, preferences) and the digest schedule."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail

from minyi.core.actions.notifications import (
    PreferenceInput,
    do_mark_read,
    do_set_notification_preference,
)
from minyi.core.actors import Actor
from minyi.core.errors import ActionError, NotFound, NotPermitted
from minyi.core.models import Event, Notification, NotificationPreference
from minyi.core.notify import notify, unread_count
from minyi.core.notify.tasks import digest_due, send_daily_digest
from minyi.core.tests.notify_helpers import make_recipient


def test_mark_one_then_all_read(db):
    a = make_recipient("a")
    (first,) = notify([a], kind="k", title="1")
    notify([a], kind="k", title="2")
    notify([a], kind="k", title="3")
    assert do_mark_read(a, actor=Actor(person=a), notification_id=first.pk) == 1
    assert unread_count(a) == 2
    assert do_mark_read(a, actor=Actor(person=a), notification_id=first.pk) == 0  # already read
    assert do_mark_read(a, actor=Actor(person=a)) == 2
    assert unread_count(a) == 0
    first.refresh_from_db()
    assert first.read_at is not None


def test_nobody_marks_someone_elses_notifications(db):
    a = make_recipient("a")
    b = make_recipient("b")
    (row,) = notify([a], kind="k", title="1")
    with pytest.raises(NotPermitted) as error:
        do_mark_read(a, actor=Actor(person=b))
    assert error.value.code == "notification_not_yours"
    with pytest.raises(NotPermitted):
        do_mark_read(a, actor=Actor.system())
    with pytest.raises(NotFound):  # b's own centre does not contain a's notification
        do_mark_read(b, actor=Actor(person=b), notification_id=row.pk)
    assert unread_count(a) == 1


def test_preference_is_saved_and_recorded(db):
    a = make_recipient("a", phone="13800000001")
    pref = do_set_notification_preference(
        a,
        PreferenceInput(
            email_mode="immediate", sms=True, muted_kinds=["voices.assigned", "surveys", "surveys"]
        ),
        actor=Actor(person=a),
    )
    assert (pref.email_mode, pref.sms, pref.wechat, pref.muted_kinds) == (
        "immediate",
        True,
        False,
        ["surveys", "voices.assigned"],
    )
    event = Event.objects.get(action="core.notification_preference.set")
    assert event.actor_id == a.pk and not event.public
    assert event.data["sms"] is True
    do_set_notification_preference(a, PreferenceInput(), actor=Actor(person=a))
    assert NotificationPreference.objects.get(person=a).email_mode == "digest"
    assert Event.objects.filter(action="core.notification_preference.set").count() == 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (PreferenceInput(email_mode="hourly"), "email_mode_unknown"),
        (PreferenceInput(sms=True), "sms_needs_phone"),
        (PreferenceInput(muted_kinds=["Voices Assigned"]), "muted_kind_invalid"),
        (PreferenceInput(muted_kinds=[""]), "muted_kind_invalid"),
        (PreferenceInput(muted_kinds=[f"k{i}" for i in range(51)]), "muted_kinds_too_many"),
    ],
)
def test_bad_preferences_are_refused_and_nothing_is_written(db, data, code):
    a = make_recipient("a")
    with pytest.raises(ActionError) as error:
        do_set_notification_preference(a, data, actor=Actor(person=a))
    assert error.value.code == code
    assert not NotificationPreference.objects.exists()
    assert not Event.objects.filter(action="core.notification_preference.set").exists()


def test_preferences_are_private(db):
    a = make_recipient("a")
    b = make_recipient("b")
    with pytest.raises(NotPermitted):
        do_set_notification_preference(a, PreferenceInput(email_mode="none"), actor=Actor(person=b))
    assert not NotificationPreference.objects.exists()


def test_digest_runs_at_the_configured_local_hour(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    settings.MINYI_DIGEST_HOUR = 8
    # Huey passes naive UTC times; 00:00 UTC is 08:00 in Shanghai.
    assert digest_due(datetime(2026, 11, 23, 0, 0))
    assert not digest_due(datetime(2026, 11, 23, 0, 1))
    assert not digest_due(datetime(2026, 11, 23, 8, 0))
    settings.MINYI_DIGEST_HOUR = 18
    assert digest_due(datetime(2026, 11, 23, 10, 0))


def test_digest_task_is_registered_and_sends(db, settings):
    from huey.contrib.djhuey import HUEY

    settings.TIME_ZONE = "Asia/Shanghai"
    settings.MINYI_DIGEST_HOUR = 8

    def due_at(moment: datetime) -> set[str]:
        return {task.name for task in HUEY.read_periodic(moment)}

    assert "send_daily_digest" in due_at(datetime(2026, 11, 23, 0, 0))
    assert "send_daily_digest" not in due_at(datetime(2026, 11, 23, 1, 0))
    a = make_recipient("a", email="a@example.org")
    notify([a], kind="k", title="t")
    send_daily_digest()  # immediate Huey in tests: runs now
    assert len(mail.outbox) == 1
    assert Notification.objects.get().emailed_at is not None
