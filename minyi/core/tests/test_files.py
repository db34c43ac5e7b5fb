"""Uploads: accepted by content only, size and pixel limits, images stored without metadata."""

from __future__ import annotations

import hashlib
import struct
import zlib
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from minyi.core.actions.files import do_store_attachment
from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.files import check_upload, clean_name
from minyi.core.models import Attachment, Event

GPS = ExifTags.IFD.GPSInfo


def jpeg_with_gps(size: tuple[int, int] = (40, 20), orientation: int = 6) -> bytes:
    """Left half red, right half blue, with camera make, GPS position and an orientation tag."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[GPS] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 27.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 17.0),
    }
    output = BytesIO()
    image.save(output, "JPEG", exif=exif, quality=95, icc_profile=b"private-icc-profile")
    data = output.getvalue()
    assert Image.open(BytesIO(data)).getexif().get_ifd(GPS)  # the fixture really carries GPS
    return data


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_bytes(attachment: Attachment) -> bytes:
    with attachment.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def staff(tree, make_person):  # type: ignore[no-untyped-def]
    person = make_person("township_staff", tree.township)
    return Actor(person=person, role="township_staff", unit=tree.township)


def assert_refused(code: str, file: SimpleUploadedFile, staff: Actor, subject) -> None:  # type: ignore[no-untyped-def]
    events_before = Event.objects.count()
    with pytest.raises(ActionError) as error:
        do_store_attachment(file, actor=staff, subject=subject, is_public=False)
    assert error.value.code == code
    assert error.value.message  # a Chinese message for the page
    assert not Attachment.objects.exists()
    assert Event.objects.count() == events_before


def test_jpeg_is_stored_without_exif_or_gps_and_upright(tree, staff):
    original = jpeg_with_gps()
    attachment = do_store_attachment(
        upload("现场照片.jpg", original, "image/jpeg"), actor=staff, subject=tree.community, is_public=True
    )
    data = stored_bytes(attachment)
    assert b"Exif" not in data and b"SecretCam" not in data and b"private-icc" not in data
    stored = Image.open(BytesIO(data))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(GPS)
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(stored.info)
    # Orientation 6 (rotate 90° clockwise) applied: 40×20 becomes 20×40, red (left) ends on top.
    assert stored.size == (20, 40)
    top, bottom = stored.convert("RGB").getpixel((10, 5)), stored.convert("RGB").getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60

    assert attachment.content_type == "image/jpeg"
    assert attachment.size == len(data)
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.original_name == "现场照片.jpg"
    assert attachment.file.name.startswith("attachments/") and attachment.file.name.endswith(".jpg")
    assert (attachment.subject_type, attachment.subject_id) == ("core.unit", str(tree.community.pk))
    assert attachment.uploaded_by == staff.person and attachment.is_public
    event = Event.objects.get(action="core.attachment.store")
    assert event.public and event.unit_id == tree.community.pk and event.actor_id == staff.person.pk
    assert event.data["sha256"] == attachment.sha256 and event.data["attachment"] == attachment.pk
    assert "现场照片" not in str(event.data)


def test_png_metadata_is_dropped_and_transparency_kept(tree, staff):
    image = Image.new("RGBA", (8, 8), (0, 128, 0, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "张三 13800000000")
    exif = Image.Exif()
    exif[GPS] = {ExifTags.GPS.GPSLatitudeRef: "N"}
    output = BytesIO()
    image.save(output, "PNG", pnginfo=info, exif=exif)
    attachment = do_store_attachment(upload("a.png", output.getvalue()), actor=staff, subject=tree.community)
    data = stored_bytes(attachment)
    assert "张三".encode() not in data and b"Author" not in data and b"eXIf" not in data
    stored = Image.open(BytesIO(data))
    assert stored.mode == "RGBA" and stored.getpixel((1, 1))[3] == 0
    assert not stored.getexif()
    assert attachment.content_type == "image/png" and not attachment.is_public
    assert not Event.objects.get(action="core.attachment.store").public


def test_webp_exif_is_dropped(tree, staff):
    output = BytesIO()
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SecretCam"
    Image.new("RGB", (16, 16), "white").save(output, "WEBP", exif=exif)
    attachment = do_store_attachment(upload("a.webp", output.getvalue()), actor=staff, subject=tree.community)
    data = stored_bytes(attachment)
    assert b"SecretCam" not in data and b"EXIF" not in data
    assert attachment.content_type == "image/webp"


def test_animated_gif_keeps_its_frames_and_loses_its_comment(tree, staff):
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "green", "blue")]
    output = BytesIO()
    frames[0].save(
        output,
        "GIF",
        save_all=True,
        append_images=frames[1:],
        duration=120,
        loop=0,
        comment=b"secret comment",
    )
    attachment = do_store_attachment(upload("a.gif", output.getvalue()), actor=staff, subject=tree.community)
    data = stored_bytes(attachment)
    assert b"secret comment" not in data
    stored = Image.open(BytesIO(data))
    assert stored.n_frames == 3 and attachment.content_type == "image/gif"


def test_pdf_is_accepted_by_its_header_whatever_its_name(tree, staff):
    pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    attachment = do_store_attachment(
        upload("scan.jpg", pdf, "image/jpeg"), actor=staff, subject=tree.community
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.file.name.endswith(".pdf")
    assert stored_bytes(attachment) == pdf
    assert attachment.sha256 == hashlib.sha256(pdf).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("photo.jpg", b"#!/bin/sh\nrm -rf /\n", "upload_not_image"),
        ("photo.jpg", b"<?php system($_GET['c']); ?>", "upload_not_image"),
        ("image.png", b"<html><script>alert(1)</script></html>", "upload_not_image"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "upload_not_image",
        ),
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00", "upload_type_not_allowed"),
        ("notes.txt", "一些文字".encode(), "upload_type_not_allowed"),
        ("photo.jpg", b"", "upload_empty"),
    ],
)
def test_content_that_is_not_an_allowed_type_is_refused(tree, staff, name, content, code):
    assert_refused(code, upload(name, content), staff, tree.community)


def test_other_image_formats_are_refused(tree, staff):
    output = BytesIO()
    Image.new("RGB", (8, 8)).save(output, "BMP")
    assert_refused("upload_not_image", upload("a.bmp", output.getvalue()), staff, tree.community)
    output = BytesIO()
    Image.new("RGB", (8, 8)).save(output, "TIFF")
    assert_refused("upload_type_not_allowed", upload("a.dat", output.getvalue()), staff, tree.community)


def test_truncated_jpeg_is_refused(tree, staff):
    data = jpeg_with_gps((200, 200))
    assert_refused("upload_not_image", upload("a.jpg", data[: len(data) // 2]), staff, tree.community)


def test_size_limit(tree, staff, settings):
    settings.MINYI_UPLOAD_MAX_BYTES = 1000
    assert_refused("upload_too_large", upload("a.pdf", b"%PDF-1.4\n" + b"x" * 2000), staff, tree.community)
    # A file object without a trustworthy size is read only up to the limit.
    stream = BytesIO(b"%PDF-1.4\n" + b"x" * 2000)
    stream.name = "a.pdf"  # type: ignore[attr-defined]
    with pytest.raises(ActionError) as error:
        check_upload(stream)
    assert error.value.code == "upload_too_large"
    assert stream.tell() == 1001


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge canvas: the classic decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(("width", "height"), [(100_000, 100_000), (8_000, 8_000)])
def test_decompression_bombs_are_refused(tree, staff, width, height):
    bomb = png_header_only(width, height)
    assert len(bomb) < 200
    assert_refused("upload_too_many_pixels", upload("bomb.png", bomb), staff, tree.community)


def test_pixel_limit_is_a_setting(tree, staff, settings):
    settings.MINYI_UPLOAD_MAX_PIXELS = 100 * 100
    output = BytesIO()
    Image.new("RGB", (101, 100)).save(output, "PNG")
    assert_refused("upload_too_many_pixels", upload("a.png", output.getvalue()), staff, tree.community)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\张三\\照片.png", "照片.png"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("", "upload"),
        ("长" * 300 + ".pdf", "长" * 196 + ".pdf"),
    ],
)
def test_client_names_are_cleaned(raw, clean):
    assert clean_name(raw) == clean
