"""Upload checks by content, and image re-encoding that strips metadata.

The name and the browser's content type are never trusted: an upload is accepted only if Pillow
decodes it as JPEG, PNG, WebP or GIF (and nothing else is tried), or if it starts with the PDF
header. Images are then re-encoded from pixels, which drops EXIF (GPS position, camera serial),
XMP, ICC profiles and comments while keeping the orientation the camera recorded.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from minyi.core.errors import ActionError

# Pillow format name -> (content type, stored file extension).
IMAGE_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
PDF_MAGIC = b"%PDF-"
PDF_TYPE = ("application/pdf", "pdf")
IMAGE_EXTENSIONS = {
    ".jpg",
    ".jpeg",
    ".jpe",
    ".png",
    ".webp",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
    ".heic",
    ".svg",
}
# Image properties that are rendering, not metadata: everything else in Image.info is dropped.
KEPT_IMAGE_INFO = {"transparency", "duration", "loop", "background"}
LOSSY_QUALITY = 90  # JPEG/WebP re-encoding: visually lossless for photos of documents and sites
NAME_MAX = 200
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    extension: str
    image_format: str | None  # Pillow's format name; None for PDF
    original_name: str


def clean_name(name: str) -> str:
    """The file's own name (no client path, no control characters), short enough to store."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = _CONTROL_CHARS.sub("", base).strip() or "upload"
    if len(base) > NAME_MAX:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: NAME_MAX - len(suffix)] + suffix
    return base


def _too_large() -> ActionError:
    limit_mb = settings.MINYI_UPLOAD_MAX_BYTES / (1024 * 1024)
    return ActionError(
        "upload_too_large",
        _("文件过大，不能超过 %(mb).1f MB") % {"mb": limit_mb},
        {"max_bytes": settings.MINYI_UPLOAD_MAX_BYTES},
    )


def _too_many_pixels() -> ActionError:
    return ActionError(
        "upload_too_many_pixels",
        _("图片尺寸过大，无法处理"),
        {"max_pixels": settings.MINYI_UPLOAD_MAX_PIXELS},
    )


def _claims_to_be_image(name: str, declared_type: str) -> bool:
    return PurePosixPath(name.lower()).suffix in IMAGE_EXTENSIONS or declared_type.startswith("image/")


def _open_image(content: bytes, formats: list[str]) -> Image.Image:
    return Image.open(BytesIO(content), formats=formats)


def _image_format(content: bytes) -> str | None:
    """The verified image format, None if the content is not an allowed image; raises on pixel bombs."""
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat the warning as the bomb it is.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with _open_image(content, list(IMAGE_FORMATS)) as image:
                image_format = image.format or ""
                frames = getattr(image, "n_frames", 1)
                if image.width * image.height * frames > settings.MINYI_UPLOAD_MAX_PIXELS:
                    raise _too_many_pixels()
                image.verify()
            # verify() checks structure only; decoding the pixels catches truncated or corrupt data.
            with _open_image(content, [image_format]) as image:
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            return None
    return image_format if image_format in IMAGE_FORMATS else None


def check_upload(uploaded_file: IO[bytes] | Any) -> CheckedUpload:
    """Accept JPEG/PNG/WebP/GIF images and PDF documents, by content, within the size limits."""
    limit = settings.MINYI_UPLOAD_MAX_BYTES
    declared_size = getattr(uploaded_file, "size", None)
    if declared_size is not None and declared_size > limit:
        raise _too_large()
    uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)  # never trust .size alone, never read more than needed
    if len(content) > limit:
        raise _too_large()
    if not content:
        raise ActionError("upload_empty", _("文件是空的"))
    name = clean_name(getattr(uploaded_file, "name", "") or "")
    if content.startswith(PDF_MAGIC):
        return CheckedUpload(content, PDF_TYPE[0], PDF_TYPE[1], None, name)
    image_format = _image_format(content)
    if image_format is None:
        declared_type = getattr(uploaded_file, "content_type", "") or ""
        if _claims_to_be_image(name, declared_type):
            raise ActionError("upload_not_image", _("文件内容不是有效的图片"), {"name": name})
        raise ActionError(
            "upload_type_not_allowed", _("只能上传 JPEG、PNG、WebP、GIF 图片或 PDF 文件"), {"name": name}
        )
    content_type, extension = IMAGE_FORMATS[image_format]
    return CheckedUpload(content, content_type, extension, image_format, name)


def _bare(image: Image.Image) -> Image.Image:
    """A copy carrying pixels and rendering properties only (no EXIF, XMP, ICC profile or comments)."""
    bare = image.copy()
    bare.info = {key: value for key, value in image.info.items() if key in KEPT_IMAGE_INFO}
    return bare


def reencode_image(checked: CheckedUpload) -> bytes:
    """Re-encode a checked image from its pixels, orientation applied, all metadata dropped."""
    if checked.image_format is None:
        raise ValueError("reencode_image needs an image")
    output = BytesIO()
    try:
        with _open_image(checked.content, [checked.image_format]) as image:
            if getattr(image, "n_frames", 1) > 1:
                frames = [_bare(frame) for frame in ImageSequence.Iterator(image)]
                durations = [frame.info.get("duration", 100) for frame in frames]
                frames[0].save(
                    output,
                    format=checked.image_format,
                    save_all=True,
                    append_images=frames[1:],
                    duration=durations,
                    loop=image.info.get("loop", 0),
                )
            else:
                upright = ImageOps.exif_transpose(image) or image
                bare = _bare(upright)
                lossy = checked.image_format in {"JPEG", "WEBP"}
                options: dict[str, Any] = {"quality": LOSSY_QUALITY} if lossy else {}
                bare.save(output, format=checked.image_format, **options)
    except (OSError, ValueError, EOFError) as error:
        raise ActionError(
            "upload_not_image", _("文件内容不是有效的图片"), {"name": checked.original_name}
        ) from error
    return output.getvalue()
