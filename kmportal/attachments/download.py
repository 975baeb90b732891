"""Sending a stored document to the browser, the same way for every owner (a practice's
documents, a follow-up's evidence): always as a download, never rendered by the browser."""

from __future__ import annotations

from flask import Response, send_file

from kmportal.attachments import service
from kmportal.attachments.models import Attachment


def send_attachment(attachment: Attachment) -> Response:
    """The file of an attachment the caller has already checked the user may read."""
    response = send_file(
        service.path_of(attachment),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
