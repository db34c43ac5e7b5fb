"""The notification centre page: list, mark read, preferences (with their recorded event)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minyi.core.models import Event, Notification, NotificationPreference
from minyi.core.notify import notify

pytestmark = pytest.mark.django_db


def test_list_mark_one_and_all_read(client, make_person, django_assert_num_queries):
    person = make_person(name="李四")
    other = make_person(name="王五")
    notify([person], kind="test.a", title="您的申请已批准", url="/workbench/")
    notify([person], kind="test.b", title="您有新的待办事项")
    notify([other], kind="test.c", title="别人的通知")
    client.force_login(person)
    html = client.get(reverse("core:notifications")).content.decode()
    assert "您的申请已批准" in html and "您有新的待办事项" in html and "别人的通知" not in html
    first = Notification.objects.get(title="您的申请已批准")
    assert client.post(reverse("core:notifications_read"), {"notification": first.pk}).status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(recipient=person, read_at__isnull=True).count() == 1
    client.post(reverse("core:notifications_read"), {})
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exists()
    assert Notification.objects.get(recipient=other).read_at is None


def test_cannot_mark_someone_elses_notification(client, make_person):
    person, other = make_person(), make_person()
    theirs = notify([other], kind="test", title="别人的通知")[0]
    client.force_login(person)
    client.post(reverse("core:notifications_read"), {"notification": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("rows", [2, 12])
def test_page_query_count_is_constant(client, make_person, django_assert_num_queries, rows):
    person = make_person()
    notify([person], kind="test", title="x")
    for i in range(rows):
        notify([person], kind="test", title=f"通知{i}")
    client.force_login(person)
    with django_assert_num_queries(5):  # session, person, preference, count, page
        assert client.get(reverse("core:notifications")).status_code == 200


def test_preferences_are_saved_and_recorded(client, make_person):
    person = make_person()
    client.force_login(person)
    response = client.post(reverse("core:notifications"), {"email_mode": "immediate", "sms": "on"})
    assert response.status_code == 400 and "手机号码" in response.content.decode()
    response = client.post(reverse("core:notifications"), {"email_mode": "none"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(person=person).email_mode == "none"
    assert Event.objects.filter(action="core.notification_preference.set", subject_id=str(person.pk)).exists()
