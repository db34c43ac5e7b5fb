"""A resident's photos open for those who may see the item, and for nobody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from minyi.core.actors import Actor
from minyi.core.models import Attachment
from minyi.voices.actions.intake import do_submit_voice
from minyi.voices.tests.intake_support import intake, photo, voice_input

__all__ = ["intake"]
pytestmark = pytest.mark.django_db


def test_photo_of_an_item_follows_who_may_see_the_item(client, intake, make_person) -> None:  # type: ignore[no-untyped-def]
    resident = make_person("resident", intake.community, name="王小明")
    result = do_submit_voice(
        voice_input(intake.community), actor=Actor(person=resident, role="resident"), photos=[photo()]
    )
    stored = Attachment.objects.get(subject_type="voices.voice", subject_id=str(result.voice.pk))
    url = reverse("core:attachment", args=[stored.pk])
    allowed = [
        resident,
        make_person("community_staff", intake.community, name="社区甲"),
        make_person("township_staff", intake.township, name="街道乙"),
    ]
    refused = [
        make_person("resident", intake.community, name="邻居丙"),
        make_person("community_staff", intake.other_community, name="别社区丁"),
        make_person("township_staff", intake.other_township, name="别街道戊"),
        make_person("department_handler", intake.department, name="部门己"),  # not assigned to it
    ]
    assert client.get(url).status_code == 403
    for person in allowed:
        client.force_login(person)
        assert client.get(url).status_code == 200, person.name
    for person in refused:
        client.force_login(person)
        assert client.get(url).status_code == 403, person.name
    # The staff item page links the photo through the checked page, never the media folder.
    client.force_login(allowed[1])
    page = client.get(reverse("voices:item", args=[result.voice.pk])).content.decode()
    assert url in page and "/media/" not in page
