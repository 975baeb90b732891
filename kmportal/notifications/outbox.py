"""A Flask-Mailman backend that writes each message as one `.eml` file (RFC 5322, readable
by any mail program) under MAIL_OUTBOX_DIR (instance/outbox/): the default, so that the
quick start works offline and nothing is lost when no mail server is configured."""

from __future__ import annotations

import os
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_mailman.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or current_app.config["MAIL_OUTBOX_DIR"])

    def send_messages(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            name = f"{stamp}-{secrets.token_hex(6)}.eml"
            # Written under a temporary name and renamed: a reader never sees half a mail.
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
            with os.fdopen(handle, "wb") as stream:
                stream.write(message.message().as_bytes())
            os.replace(temporary, self.directory / name)
            sent += 1
        return sent
