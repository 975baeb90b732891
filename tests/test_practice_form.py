"""The practice form: sections, requirements marked before any error, an error summary that
takes the focus and links to each field, a document at creation, activities per result."""

import io
import re

import sqlalchemy as sa

from kmportal.attachments import service as storage
from kmportal.attachments.models import Attachment
from kmportal.audit import service as audit
from kmportal.extensions import db
from kmportal.practices import data as practice_data
from kmportal.practices.models import Practice
from kmportal.reference.queries import plan_activities
from tests.test_attachments import PDF
from tests.test_practice_pages import form_data


def tag_with_id(html: str, element_id: str) -> str:
    """The opening tag of the element whose id is `element_id`."""
    match = re.search(rf'<(input|textarea|select|fieldset)\b[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


def test_requirements_are_marked_before_any_error(client, auth, focal_br):
    auth.login(focal_br)
    html = client.get("/practices/new?lang=en").get_data(as_text=True)
    assert "error-summary" not in html
    for name, need in practice_data.requirements().items():
        if name == "country_code":  # a focal point's country is its own: no choice shown
            assert 'id="country_code"' not in html
            continue
        tag = tag_with_id(html, name)
        if need == "save":
            assert 'aria-required="true"' in tag and " required" in tag, name
        else:
            assert "required" not in tag, name
    label = html[html.index('<label for="title">') :]
    assert label[: label.index("</label>")].count('class="required-marker"') == 1
    legend = html[html.index('id="sectors"') :]
    assert "(needed to submit)" in legend[: legend.index("</legend>")]
    assert "aria-required" not in tag_with_id(html, "cost_notes")


def test_requirements_follow_the_submission_rules(practices, focal_br):
    practice = practices.make(focal_br, results="", population="", sectors=[])
    missing = practice_data.missing_for_submission(practice)
    needs = practice_data.requirements()
    assert {"results", "population", "sectors"} <= set(missing)
    assert all(needs[name] == "submit" for name in missing)


def test_form_reads_in_sections(client, auth, focal_br):
    auth.login(focal_br)
    html = client.get("/practices/new?lang=pt").get_data(as_text=True)
    sections = re.findall(r'<section id="(section-[a-z]+)"', html)
    assert sections == [
        "section-practice",
        "section-classification",
        "section-results",
        "section-criteria",
        "section-plan",
        "section-documents",
    ]
    for section in sections:
        assert f'href="#{section}"' in html  # the list of sections at the top links to each
    assert "Seções do formulário" in html


def test_error_summary_takes_the_focus_and_links_to_each_field(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post(
        "/practices/new?lang=en", data=form_data(title="", theme="", period_end="1990")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = re.search(r'<div class="error-summary"[^>]*>(.*?)</div>', html, re.S)
    assert summary and "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    links = re.findall(r'<a href="#([a-z_0-9]+)">', summary.group(1))
    assert links == ["title", "theme", "period_end"]
    for target in links:
        assert f'id="{target}"' in html
    assert html.index("error-summary") < html.index(
        '<form method="post" class="form practice-form"'
    )
    assert 'aria-invalid="true"' in tag_with_id(html, "title")
    assert "<script" not in html.split("<main", 1)[1]  # the CSP forbids inline script


def test_incomplete_submission_marks_the_missing_fields(client, auth, practices, focal_br):
    practice = practices.make(focal_br, results="", arguments={})
    auth.login(focal_br)
    response = client.post(f"/practices/{practice.id}/submit?lang=en")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The practice is not complete yet" in html
    assert '<a href="#results">' in html and '<a href="#argument_effective">' in html
    assert f'action="/practices/{practice.id}/edit"' in html
    assert practice.state.value == "draft"


def test_document_attached_at_creation(app, client, auth, focal_br):
    auth.login(focal_br)
    data = form_data() | {"document": (io.BytesIO(PDF), "informe.pdf")}
    response = client.post("/practices/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    practice = db.session.scalar(sa.select(Practice))
    assert [a.original_name for a in practice.attachments] == ["informe.pdf"]
    assert storage.path_of(practice.attachments[0]).read_bytes() == PDF
    actions = [event.action for event in audit.history("practice", practice.id)]
    assert actions == ["practice.attach", "practice.create"]


def test_refused_document_refuses_the_draft_and_keeps_no_file(app, client, auth, focal_br):
    auth.login(focal_br)
    data = form_data(title="") | {"document": (io.BytesIO(b"MZ\x90\x00" + b"\0" * 64), "a.pdf")}
    response = client.post("/practices/new?lang=en", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#document">' in html and '<a href="#title">' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Practice)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert list(storage.upload_dir().glob("*")) == []


def test_edit_form_explains_where_documents_go(client, auth, practices, focal_br):
    practice = practices.make(focal_br)
    auth.login(focal_br)
    html = client.get(f"/practices/{practice.id}/edit?lang=en").get_data(as_text=True)
    assert 'id="document"' not in html
    assert f'href="/practices/{practice.id}#documents"' in html
    page = client.get(f"/practices/{practice.id}").get_data(as_text=True)
    assert 'id="documents"' in page


def test_activities_are_grouped_by_result_in_the_plan_order(client, auth, focal_br):
    auth.login(focal_br)
    html = client.get("/practices/new?lang=en").get_data(as_text=True)
    plan = html[html.index('id="section-plan"') : html.index('id="section-documents"')]
    codes = re.findall(r'<label for="activity_ids-\d+" lang="es">(\d+\.\d+\.\d+) ', plan)
    assert codes == [activity.code for activity in plan_activities()]
    # Each result is its own fieldset, and its activities follow its legend.
    blocks = re.findall(r"<legend>Result (\d+\.\d+):.*?</fieldset>", plan, re.S)
    assert blocks
    for block in re.finditer(r"<legend>Result (\d+\.\d+):(.*?)</fieldset>", plan, re.S):
        result, body = block.group(1), block.group(2)
        inside = re.findall(r'lang="es">(\d+\.\d+)\.\d+ ', body)
        assert inside and set(inside) == {result}


def test_chosen_activities_are_kept(client, auth, focal_br):
    first = plan_activities()[3]
    auth.login(focal_br)
    client.post("/practices/new", data=form_data(activity_ids=[str(first.id)]))
    practice = db.session.scalar(sa.select(Practice))
    assert [a.id for a in practice.activities] == [first.id]


def test_bad_activity_ids_are_refused_without_a_500(client, auth, focal_br):
    auth.login(focal_br)
    response = client.post("/practices/new?lang=en", data=form_data(activity_ids=["x", "99999999"]))
    assert response.status_code == 422
    assert '<a href="#activity_ids">' in response.get_data(as_text=True)
