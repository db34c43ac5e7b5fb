"""notify(): in-app rows in the caller's transaction, delivery only after commit, per-person preferences."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction

from minyi.core.actions.notifications import PreferenceInput, do_set_notification_preference
from minyi.core.actors import Actor
from minyi.core.models import Notification, Person
from minyi.core.notify import notify, recent, unread_count
from minyi.core.tests.notify_helpers import RecordingBackend, make_recipient

RECORDING = "minyi.core.tests.notify_helpers.RecordingBackend"
FAILING = "minyi.core.tests.notify_helpers.FailingBackend"


@pytest.fixture(autouse=True)
def _clean_backends(settings):  # type: ignore[no-untyped-def]
    RecordingBackend.sent = []
    settings.MINYI_SMS_BACKEND = RECORDING
    settings.MINYI_WECHAT_BACKEND = RECORDING


@pytest.fixture
def notify_log(caplog):  # type: ignore[no-untyped-def]
    # The "minyi" logger does not propagate to the root logger, where caplog listens by default.
    logger = logging.getLogger("minyi.notify")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="minyi.notify")
    yield caplog
    logger.removeHandler(caplog.handler)


def set_preference(person: Person, **changes: object) -> None:
    do_set_notification_preference(person, PreferenceInput(**changes), actor=Actor(person=person))  # type: ignore[arg-type]


def test_rows_are_made_once_per_recipient(db):
    a = make_recipient("a", email="a@example.org")
    b = make_recipient("b")
    rows = notify([a, b, a], kind="voices.assigned", title="新的群众诉求", body="请处理", url="/voices/1/")
    assert [row.recipient_id for row in rows] == [a.pk, b.pk]
    assert all(row.pk for row in rows)
    assert unread_count(a) == 1 and unread_count(b) == 1
    assert notify([], kind="voices.assigned", title="x") == []


def test_long_title_is_shortened(db):
    a = make_recipient("a")
    (row,) = notify([a], kind="k", title="长" * 300)
    assert len(row.title) == 200 and row.title.endswith("…")


def test_immediate_mail_is_sent_only_after_commit(db, django_capture_on_commit_callbacks):
    a = make_recipient("a", email="a@example.org")
    set_preference(a, email_mode="immediate")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            (row,) = notify(
                [a], kind="voices.assigned", title="新的群众诉求", body="请处理", url="/voices/1/"
            )
        assert mail.outbox == []  # still inside the outer (test) transaction: nothing sent yet
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["a@example.org"]
    assert "新的群众诉求" in message.subject
    assert "http://127.0.0.1:8000/voices/1/" in message.body
    assert message.extra_headers["Content-Language"] == "zh-hans"
    row.refresh_from_db()
    assert row.emailed_at is not None and not row.email_pending


def test_rolled_back_action_sends_nothing(db, django_capture_on_commit_callbacks):
    a = make_recipient("a", email="a@example.org", phone="13800000001")
    set_preference(a, email_mode="immediate", sms=True, wechat=True)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([a], kind="voices.assigned", title="不会发出")
        raise RuntimeError("the action failed after notifying")
    assert callbacks == []
    assert mail.outbox == []
    assert RecordingBackend.sent == []
    assert not Notification.objects.exists()


def test_mail_is_written_in_the_persons_language(db, django_capture_on_commit_callbacks):
    en = make_recipient("en", email="en@example.org", language="en")
    set_preference(en, email_mode="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        notify([en], kind="k", title="t")
    assert mail.outbox[0].extra_headers["Content-Language"] == "en"


def test_default_is_the_daily_digest(db, django_capture_on_commit_callbacks):
    from minyi.core.notify.delivery import send_digests

    a = make_recipient("a", email="a@example.org")
    b = make_recipient("b", email="b@example.org")
    no_address = make_recipient("c")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify([a, b, no_address], kind="voices.assigned", title="第一条")
        notify([a], kind="voices.replied", title="第二条", body="已答复")
    assert callbacks == []  # nobody wants anything right away: nothing queued
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=no_address, email_pending=True).exists()

    assert send_digests() == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"a@example.org", "b@example.org"}
    assert "2" in by_recipient["a@example.org"].subject
    assert "第一条" in by_recipient["a@example.org"].body and "第二条" in by_recipient["a@example.org"].body
    assert "已答复" in by_recipient["a@example.org"].body
    assert not Notification.objects.filter(email_pending=True).exists()
    assert Notification.objects.filter(recipient=a, emailed_at__isnull=False).count() == 2

    assert send_digests() == 0  # already emailed: nothing twice
    assert len(mail.outbox) == 2


def test_digest_skips_people_whose_address_or_wish_went_away(db):
    from minyi.core.notify.delivery import send_digests

    a = make_recipient("a", email="a@example.org")
    b = make_recipient("b", email="b@example.org")
    notify([a, b], kind="k", title="t")
    Person.objects.filter(pk=a.pk).update(email="")
    set_preference(b, email_mode="none")
    assert send_digests() == 0
    assert mail.outbox == []
    assert not Notification.objects.filter(email_pending=True).exists()
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_failed_digest_mail_stays_pending(db, settings, notify_log):
    from minyi.core.notify.delivery import send_digests

    a = make_recipient("a", email="a@example.org")
    notify([a], kind="k", title="t")
    settings.EMAIL_BACKEND = "minyi.core.tests.notify_helpers.FailingEmailBackend"
    assert send_digests() == 0
    assert "digest mail" in notify_log.text
    assert Notification.objects.get().email_pending


def test_email_mode_none_never_mails(db, django_capture_on_commit_callbacks):
    from minyi.core.notify.delivery import send_digests

    a = make_recipient("a", email="a@example.org")
    set_preference(a, email_mode="none")
    with django_capture_on_commit_callbacks(execute=True):
        notify([a], kind="k", title="t")
    assert send_digests() == 0
    assert mail.outbox == []
    assert unread_count(a) == 1  # still in the notification centre


def test_muted_kinds_stay_in_app_only(db, django_capture_on_commit_callbacks):
    from minyi.core.notify.delivery import send_digests

    a = make_recipient("a", email="a@example.org", phone="13800000001")
    set_preference(a, email_mode="immediate", sms=True, wechat=True, muted_kinds=["surveys"])
    b = make_recipient("b", email="b@example.org")
    set_preference(b, muted_kinds=["surveys.reminder"])
    with django_capture_on_commit_callbacks(execute=True):
        notify([a, b], kind="surveys.reminder", title="问卷提醒")
        notify([a], kind="surveysx.other", title="not covered by the prefix")
    assert send_digests() == 0
    assert [m.subject for m in mail.outbox] == ["【示范市民意平台】not covered by the prefix"]
    assert len(RecordingBackend.sent) == 2  # sms + wechat for the unmuted kind only
    assert unread_count(a) == 2 and unread_count(b) == 1


def test_sms_and_wechat_go_to_those_who_enabled_them(db, django_capture_on_commit_callbacks):
    a = make_recipient("a", phone="13800000001")
    set_preference(a, sms=True)
    b = make_recipient("b")
    set_preference(b, wechat=True)
    c = make_recipient("c", phone="13800000003")
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify([a, b, c], kind="k", title="t")
    assert sorted(RecordingBackend.sent) == sorted([(a.pk, rows[0].pk), (b.pk, rows[1].pk)])


def test_failing_backend_breaks_neither_the_others_nor_the_action(
    db, settings, notify_log, django_capture_on_commit_callbacks
):
    settings.MINYI_WECHAT_BACKEND = FAILING
    a = make_recipient("a", email="a@example.org", phone="13800000001")
    set_preference(a, email_mode="immediate", sms=True, wechat=True)
    b = make_recipient("b", phone="13800000002")
    set_preference(b, sms=True, wechat=True)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rows = notify([a, b], kind="k", title="t")
    assert len(rows) == 2 and Notification.objects.count() == 2
    assert sorted(RecordingBackend.sent) == sorted([(a.pk, rows[0].pk), (b.pk, rows[1].pk)])
    assert len(mail.outbox) == 1
    assert notify_log.text.count("wechat delivery failed") == 2
    assert "gateway down" in notify_log.text


@pytest.mark.parametrize("path", ["minyi.core.tests.notify_helpers.NotABackend", "minyi.nowhere.Backend"])
def test_misconfigured_backend_is_logged_once_and_skipped(
    db, settings, notify_log, path, django_capture_on_commit_callbacks
):
    settings.MINYI_SMS_BACKEND = path
    people = [make_recipient(f"p{i}", phone=f"1380000000{i}") for i in range(3)]
    for person in people:
        set_preference(person, sms=True, wechat=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify(people, kind="k", title="t")
    assert notify_log.text.count("sms delivery failed") == 1
    assert len(RecordingBackend.sent) == 3  # WeChat still delivered


def test_failed_immediate_mail_falls_back_to_the_digest(
    db, settings, notify_log, django_capture_on_commit_callbacks
):
    a = make_recipient("a", email="a@example.org")
    set_preference(a, email_mode="immediate")
    settings.EMAIL_BACKEND = "minyi.core.tests.notify_helpers.FailingEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        (row,) = notify([a], kind="k", title="t")
    row.refresh_from_db()
    assert row.email_pending and row.emailed_at is None
    assert "waits for the digest" in notify_log.text


def test_logging_backend_logs_without_personal_data(
    db, settings, notify_log, django_capture_on_commit_callbacks
):
    settings.MINYI_SMS_BACKEND = "minyi.core.notify.backends.LoggingBackend"
    a = make_recipient("a", phone="13800000001")
    set_preference(a, sms=True)
    with django_capture_on_commit_callbacks(execute=True):
        notify([a], kind="voices.assigned", title="新的群众诉求")
    assert "voices.assigned" in notify_log.text and "新的群众诉求" in notify_log.text
    assert "13800000001" not in notify_log.text


def test_query_api_uses_constant_queries(db, django_assert_num_queries):
    a = make_recipient("a")
    for i in range(15):
        notify([a], kind="k", title=f"第{i}条")
    with django_assert_num_queries(1):
        assert unread_count(a) == 15
    with django_assert_num_queries(1):
        rows = recent(a, limit=10)
        assert [row.title for row in rows][:2] == ["第14条", "第13条"]
        assert len(rows) == 10


def test_notify_costs_two_queries_whatever_the_number_of_recipients(db, django_assert_num_queries):
    people = [make_recipient(f"p{i}") for i in range(12)]
    with django_assert_num_queries(2):  # preferences, one bulk insert
        notify(people, kind="k", title="t")


@pytest.mark.django_db(transaction=True)
def test_real_commit_delivers_and_real_rollback_does_not():
    a = make_recipient("a", email="a@example.org", phone="13800000001")
    set_preference(a, email_mode="immediate", sms=True)
    with transaction.atomic():
        notify([a], kind="k", title="已提交")
    with pytest.raises(ValueError), transaction.atomic():
        notify([a], kind="k", title="已回滚")
        raise ValueError
    assert [m.subject for m in mail.outbox] == ["【示范市民意平台】已提交"]
    assert len(RecordingBackend.sent) == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["已提交"]
