"""Control characters are refused once, before any view; text cleaning drops them; file names
keep their letters and extension; unique-constraint errors become 409 or a field message."""

import io

import pytest
import sqlalchemy as sa

from kmportal.attachments import service as storage
from kmportal.audit.models import AuditEvent
from kmportal.auth import service as accounts
from kmportal.auth.models import Role, User
from kmportal.errors import ValidationError
from kmportal.extensions import db
from kmportal.practices import service
from kmportal.validation import clean_texts
from tests.test_attachments import PDF

REFUSED = "control characters"


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


@pytest.mark.parametrize(
    "path",
    [
        "/practices/?country=%00A",
        "/countries/%00A",
        "/search?q=ni%C3%B1os%00",
        "/practices/?%01=x",
        "/search?q=%1B%5B31m",
        "/search?q=%C2%85",  # U+0085, a C1 control
        "/practices/%00",
    ],
)
def test_control_characters_in_the_address_are_refused_with_400(client, path):
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en")
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)


def test_the_refusal_is_in_the_persons_language(client):
    response = client.get("/practices/?country=%00A&lang=es")
    assert response.status_code == 400
    assert "caracteres de control" in response.get_data(as_text=True)


def test_nul_in_the_log_in_email_is_refused_before_the_view(client, focal_br):
    before = audit_count()
    response = client.post("/login?lang=en", data={"email": "a\x00@example.org", "password": "x"})
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    assert audit_count() == before  # the log-in view never ran: no failed sign-in recorded


def test_form_text_may_hold_tabs_and_line_breaks_but_not_other_controls(
    client, auth, practices, focal_br
):
    practice = practices.make(focal_br)
    auth.login(focal_br)
    ok = client.post(f"/practices/{practice.id}/submit", data={"note": "a\tb\r\nc"})
    assert ok.status_code != 400
    refused = client.post(f"/practices/{practice.id}/submit?lang=en", data={"note": "bell\x07"})
    assert refused.status_code == 400 and REFUSED in refused.get_data(as_text=True)


def test_control_characters_in_a_json_body_are_refused(client):
    response = client.post("/login", json={"email": "x@example.org", "nested": ["ok", "n\x00"]})
    assert response.status_code == 400
    assert client.post("/login", json={"email": "x@example.org"}).status_code != 400


def test_control_characters_in_an_uploaded_file_name_are_refused(client, auth, practices, focal_br):
    practice = practices.make(focal_br)
    auth.login(focal_br)
    response = client.post(
        f"/practices/{practice.id}/attachments?lang=en",
        data={"file": (io.BytesIO(PDF), "informe\x01.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and REFUSED in response.get_data(as_text=True)
    assert practice.attachments == []


def test_text_cleaning_drops_control_characters_but_keeps_line_breaks():
    errors: dict = {}
    cleaned = clean_texts({"title": " a\x00b\x1bc\td\ne\x7f "}, {"title": 100}, errors)
    assert cleaned == {"title": "abc\td\ne"} and errors == {}


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Educação infantil – relatório.pdf", "Educação infantil – relatório.pdf"),
        ("Éducation des enfants.pdf", "Éducation des enfants.pdf"),
        ("報告書 2016.pdf", "報告書 2016.pdf"),
        ("C:\\Users\\ana\\informe final.pdf", "informe final.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("Educac\u0327a\u0303o.pdf", "Educação.pdf"),  # NFC
        ("", "document"),
    ],
)
def test_file_names_keep_their_letters(given, kept):
    assert storage.display_name(given) == kept


def test_long_file_names_are_cut_to_255_characters_keeping_the_extension():
    name = storage.display_name("ñ" * 300 + ".docx")
    assert len(name) == 255 and name.endswith("ñ.docx")
    assert len(storage.display_name("x" * 300)) == 255


def test_long_non_latin_file_name_is_stored_and_downloaded(client, practices, focal_br):
    practice = practices.make(focal_br, "published")
    long_name = "Relatório de educação " + "á" * 300 + ".pdf"
    attachment = service.add_attachment(practices.secretariat, practice, io.BytesIO(PDF), long_name)
    assert len(attachment.original_name) == 255 and attachment.original_name.endswith(".pdf")
    response = client.get(f"/practices/attachments/{attachment.id}")
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''Relat%C3%B3rio%20de%20educa%C3%A7%C3%A3o%20" in disposition
    assert 'filename="Relatorio de educacao ' in disposition  # the ASCII fallback
    disposition.encode("latin-1")  # a header value any client can read


def test_a_unique_constraint_error_is_a_409_in_the_persons_language(app, client, secretariat):
    def duplicate():
        db.session.add(
            User(email=secretariat.email, name="Twin", password_hash="x", role=Role.SECRETARIAT)
        )
        db.session.commit()
        return "saved"

    app.add_url_rule("/test-duplicate", view_func=duplicate)
    response = client.get("/test-duplicate?lang=fr")
    assert response.status_code == 409
    assert "existe déjà" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_account_created_twice_at_once_gets_a_field_message(app, secretariat, monkeypatch):
    accounts.create_user("twin@example.org", "Twin", "long enough pass", Role.SECRETARIAT)
    monkeypatch.setattr(accounts, "_email_taken", lambda email: False)  # both checked first
    with pytest.raises(ValidationError) as refused:
        accounts.create_user("twin@example.org", "Twin", "long enough pass", Role.SECRETARIAT)
    assert "email" in refused.value.errors
