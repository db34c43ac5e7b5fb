"""Attachments: checked by content, images stripped of metadata, stored through Django's storage API."""

from __future__ import annotations

import hashlib
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import models, transaction

from minyi.core.actors import Actor
from minyi.core.files import CheckedUpload, check_upload, reencode_image
from minyi.core.models import Attachment, Unit
from minyi.core.record.write import record_event
from minyi.core.subjects import subject_ref

__all__ = ["check_upload", "do_store_attachment"]


def _unit_of(subject: models.Model) -> Unit | None:
    if isinstance(subject, Unit):
        return subject
    unit = getattr(subject, "unit", None)
    return unit if isinstance(unit, Unit) else None


def stored_content(checked: CheckedUpload) -> bytes:
    return reencode_image(checked) if checked.image_format else checked.content


@transaction.atomic
def do_store_attachment(
    file: IO[bytes] | Any,
    *,
    actor: Actor,
    subject: models.Model,
    is_public: bool = False,
    unit: Unit | None = None,
) -> Attachment:
    """Check, clean and store an upload attached to `subject`; the event goes on the subject's chain.

    The file is written before the row; if the surrounding transaction later rolls back, the file
    stays behind unreferenced (storage is not transactional; see docs/notifications.md, known gaps).
    """
    checked = check_upload(file)
    content = stored_content(checked)
    digest = hashlib.sha256(content).hexdigest()
    subject_type, subject_id = subject_ref(subject)
    attachment = Attachment(
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=len(content),
        sha256=digest,
        uploaded_by=actor.person,
        subject_type=subject_type,
        subject_id=subject_id,
        is_public=is_public,
    )
    # Stored under the content hash, not the client's name: no path tricks, no personal names in URLs.
    attachment.file.save(f"{digest[:32]}.{checked.extension}", ContentFile(content), save=False)
    try:
        attachment.save(force_insert=True)
        # The original name stays out of the event: residents' file names often carry personal data.
        record_event(
            actor=actor,
            action="core.attachment.store",
            subject=subject,
            unit=unit or _unit_of(subject),
            data={
                "attachment": attachment.pk,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": digest,
                "public": is_public,
            },
            public=is_public,
        )
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment
