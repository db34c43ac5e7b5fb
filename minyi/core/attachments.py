"""Who may open a stored attachment, and the page that serves it.

Files are never served straight from the media folder: every download goes through
`core:attachment`, which asks the named rule `core.view_attachment`. A public attachment (a payment
voucher disclosed on a village board) opens for anyone; a private one (a resident's photo of their
complaint) for its uploader, platform administrators, and whoever the subject's app says may see that
subject — each app registers one check per subject type (`register_attachment_access`), the same way
it registers its subject pages.
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from minyi.core.models import Attachment, Person

SubjectCheck = Callable[[Person, str], bool]
_ACCESS: dict[str, SubjectCheck] = {}
# Shown in the browser rather than downloaded: images and PDFs (checked by content on upload).
INLINE_TYPES = frozenset(["image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"])


def register_attachment_access(subject_type: str, check: SubjectCheck) -> None:
    """`check(person, subject_id)` answers whether `person` may see the subject and so its files."""
    _ACCESS[subject_type] = check


@rules.predicate
def is_public_attachment(user: Person, attachment: Attachment) -> bool:
    return attachment.is_public


@rules.predicate
def uploaded_it(user: Person, attachment: Attachment) -> bool:
    return user.is_authenticated and attachment.uploaded_by_id == user.pk


@rules.predicate
def may_see_attachment_subject(user: Person, attachment: Attachment) -> bool:
    check = _ACCESS.get(attachment.subject_type)
    return bool(user.is_authenticated and check is not None and check(user, attachment.subject_id))


@require_safe
def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment, pk=pk)
    if not request.user.has_perm("core.view_attachment", attachment):
        raise PermissionDenied
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Private files stay out of shared caches; public disclosures may be cached like any page.
    response["Cache-Control"] = "public, max-age=86400" if attachment.is_public else "private, no-store"
    return response
