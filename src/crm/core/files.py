"""Attached files: one rule for what may be uploaded, one way to hand a stored file back."""

from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _

from .errors import NotFound, ValidationFailed

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".txt"}


def check_attachment(name: str, size: int) -> None:
    if PurePath(name).suffix.lower() not in ATTACHMENT_TYPES:
        raise ValidationError(_("Allowed file types: PDF, JPG, PNG, DOCX, XLSX, TXT."))
    if size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."))


def checked_upload(file: Any, field: str = "file") -> str:
    """The name to store for an allowed upload; a field error (400/422) otherwise."""
    try:
        check_attachment(file.name, file.size)
    except ValidationError as exc:
        raise ValidationFailed(fields={field: exc.messages}) from None
    return str(file.name)[-200:]


def download(stored: Any, name: str) -> FileResponse:
    """A stored file as a download (never rendered inline); 404 when the file is gone."""
    if not stored:
        raise NotFound()
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise NotFound() from None
    return FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/octet-stream"
    )
