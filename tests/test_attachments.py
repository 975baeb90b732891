import io
import zipfile

import pytest
from flask_babel import force_locale

from kmportal.attachments import service as storage
from kmportal.attachments.models import Attachment
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.practices import service

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504E470D0A1A0A0000000D49484452000000010000000108060000001F15C489")


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "mime"),
    [
        (PDF, "informe.pdf", "application/pdf"),
        (PNG, "foto.png", "image/png"),
        (
            docx_bytes(),
            "guía.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (odt_bytes(), "nota.odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_types_are_stored_under_generated_names(practices, focal_br, content, name, mime):
    practice = practices.make(focal_br)
    attachment = service.add_attachment(focal_br, practice, io.BytesIO(content), name)
    assert attachment.content_type == mime
    assert attachment.stored_name != name and len(attachment.stored_name) > 30
    assert storage.path_of(attachment).read_bytes() == content


def test_executable_named_pdf_is_refused(practices, focal_br):
    practice = practices.make(focal_br)
    elf = b"\x7fELF\x02\x01\x01" + b"\0" * 100
    with pytest.raises(ValidationError) as error:
        service.add_attachment(focal_br, practice, io.BytesIO(elf), "informe.pdf")
    assert "file" in error.value.errors
    assert db.session.query(Attachment).count() == 0


def test_text_named_pdf_is_refused(practices, focal_br):
    practice = practices.make(focal_br)
    with pytest.raises(ValidationError):
        service.add_attachment(focal_br, practice, io.BytesIO(b"hello world"), "x.pdf")


def test_image_named_pdf_is_refused_as_mismatch(practices, focal_br):
    practice = practices.make(focal_br)
    with pytest.raises(ValidationError) as error:
        service.add_attachment(focal_br, practice, io.BytesIO(PNG), "informe.pdf")
    with force_locale("en"):
        assert "PNG" in str(error.value.errors["file"])


def test_too_large_file_is_refused_and_nothing_is_stored(app, practices, focal_br):
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    practice = practices.make(focal_br)
    big = PDF + b"0" * 2048
    with pytest.raises(ValidationError) as error:
        service.add_attachment(focal_br, practice, io.BytesIO(big), "big.pdf")
    with force_locale("en"):
        assert str(error.value.errors["file"]) == "The file is larger than the limit of 1 KB."
    assert db.session.query(Attachment).count() == 0
    assert not any(storage.upload_dir().iterdir())


def test_upload_through_the_page_shows_the_error(client, auth, practices, focal_br):
    practice = practices.make(focal_br)
    auth.login(focal_br)
    response = client.post(
        f"/practices/{practice.id}/attachments?lang=en",
        data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\0" * 64), "informe.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "This kind of file is not accepted" in response.get_data(as_text=True)
    assert db.session.query(Attachment).count() == 0


def test_request_over_the_size_limit_gets_413(app, client, auth, practices, focal_br):
    practice = practices.make(focal_br)
    auth.login(focal_br)
    too_big = b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    response = client.post(
        f"/practices/{practice.id}/attachments",
        data={"file": (io.BytesIO(too_big), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413


def test_download_has_safe_headers(client, auth, practices, focal_br):
    practice = practices.make(focal_br, "published")
    attachment = service.add_attachment(
        practices.secretariat, practice, io.BytesIO(PDF), "informe final.pdf"
    )
    response = client.get(f"/practices/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("size", "text"), [(20 * 1024 * 1024, "20 MB"), (1536 * 1024, "1.5 MB"), (800 * 1024, "800 KB")]
)
def test_sizes_read_as_people_write_them(size, text):
    assert storage.human_size(size) == text


def test_failure_after_storing_leaves_neither_file_nor_row(practices, focal_br, monkeypatch):
    practice = practices.make(focal_br)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(service.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        service.add_attachment(focal_br, practice, io.BytesIO(PDF), "informe.pdf")
    assert db.session.query(Attachment).count() == 0
    assert not any(storage.upload_dir().iterdir())
