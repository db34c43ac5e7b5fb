"""Stored files are served only through core:attachment, which asks core.view_attachment."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from minyi.core.actions.files import do_store_attachment
from minyi.core.actors import Actor

pytestmark = pytest.mark.django_db


def _png() -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (6, 6), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("现场.png", buffer.getvalue(), content_type="image/png")


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("凭证.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def test_a_public_file_opens_for_anyone_inline(client, tree, system) -> None:  # type: ignore[no-untyped-def]
    stored = do_store_attachment(_pdf(), actor=system, subject=tree.community, is_public=True)
    response = client.get(reverse("core:attachment", args=[stored.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"].startswith("public")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_private_file_opens_for_its_uploader_and_platform_admins_only(client, tree, make_person) -> None:  # type: ignore[no-untyped-def]
    uploader = make_person("community_staff", tree.community, name="王社区")
    stored = do_store_attachment(_png(), actor=Actor(person=uploader, role="community_staff"), subject=tree.community)
    url = reverse("core:attachment", args=[stored.pk])
    assert client.get(url).status_code == 403  # anonymous
    client.force_login(make_person("community_staff", tree.other_community, name="李社区"))
    assert client.get(url).status_code == 403  # staff elsewhere, no access registered for units
    client.force_login(make_person("admin", tree.district, name="区管理员"))
    assert client.get(url).status_code == 403  # an administrator of a subtree is not a platform admin
    client.force_login(make_person("admin", tree.city, name="市管理员"))
    assert client.get(url).status_code == 200
    client.force_login(uploader)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/png"


def test_missing_file_and_wrong_method(client, tree, system) -> None:  # type: ignore[no-untyped-def]
    stored = do_store_attachment(_png(), actor=system, subject=tree.community, is_public=True)
    assert client.get(reverse("core:attachment", args=[stored.pk + 1])).status_code == 404
    assert client.post(reverse("core:attachment", args=[stored.pk])).status_code == 405
    # The media folder itself is not served: files open through the checked page only.
    assert client.get(f"/media/{stored.file.name}").status_code == 404
