"""Draft versions: each revision of the text and its attachments, immutable, sealed by SHA-256."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..models import Decision, DraftAttachment, DraftVersion
from .uploads import safe_file_name, upload_checked


def draft_sha256(text: str, attachments: list[tuple[str, str]]) -> str:
    """The seal of a version: text plus each attachment's name and SHA-256, canonically encoded."""
    canonical = json.dumps(
        {"text": text, "attachments": sorted([name, digest] for name, digest in attachments)},
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def file_sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def attachment_stored(upload: UploadedFile, digest: str) -> str:
    """Where the content lies: a path named by its SHA-256, written once however many versions
    (or decisions) carry it. A file left by a rolled-back upload is simply found next time."""
    storage = DraftAttachment._meta.get_field("file").storage
    path = f"attachments/sha256/{digest[:2]}/{digest}"
    if storage.exists(path):
        return path
    return storage.save(path, upload)


def draft_version_create(*, decision: Decision, text: str, note: str = "",
                         attachments=(), acting_user, task=None) -> DraftVersion:
    """Append a new version; earlier attachments are carried over unless replaced by name."""
    if not text or not text.strip():
        raise ValidationError({"draft_text": [_("The draft text is required.")]})
    previous = decision.current_version
    uploads = list(attachments)
    for upload in uploads:
        if upload.size > settings.JUECE_MAX_ATTACHMENT_BYTES:
            raise ValidationError({"attachments": [
                _("“%(name)s” is larger than the limit of %(limit)d bytes.")
                % {"name": safe_file_name(upload.name),
                   "limit": settings.JUECE_MAX_ATTACHMENT_BYTES}
            ]})
    named = [(upload, upload_checked(upload)) for upload in uploads]
    new_names = {name for _upload, name in named}
    carried = [] if previous is None else [
        a for a in previous.attachments.all() if a.name not in new_names
    ]
    hashed_uploads = [(upload, name, file_sha256(upload)) for upload, name in named]
    seal = draft_sha256(
        text,
        [(a.name, a.sha256) for a in carried] + [(n, d) for _u, n, d in hashed_uploads],
    )
    version = DraftVersion.objects.create(
        decision=decision,
        number=(previous.number + 1) if previous else 1,
        text=text,
        note=note,
        sha256=seal,
        created_by=acting_user,
    )
    for old in carried:
        DraftAttachment.objects.create(
            version=version, file=old.file.name, name=old.name, size=old.size,
            sha256=old.sha256, uploaded_by=old.uploaded_by,
        )
    for upload, name, digest in hashed_uploads:
        DraftAttachment.objects.create(
            version=version, file=attachment_stored(upload, digest), name=name,
            size=upload.size, sha256=digest, uploaded_by=acting_user)
        audit_record(action="attachment_upload", actor=acting_user, decision=decision,
                     task=task, after={"version": version.number, "name": name,
                                       "sha256": digest, "size": upload.size})
    Decision.objects.filter(pk=decision.pk).update(current_version=version)
    decision.current_version = version
    audit_record(
        action="draft_version_create", actor=acting_user, decision=decision, task=task,
        before={"version": previous.number, "sha256": previous.sha256} if previous else {},
        after={"version": version.number, "sha256": version.sha256, "note": note},
    )
    return version
