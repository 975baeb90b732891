"""The template files shipped to users import cleanly, so they never drift from the code."""

from pathlib import Path

import pytest

from kmportal.practices.enums import Criterion
from kmportal.practices.importing.columns import COLUMNS
from tests.importing.helpers import run

DOCS = Path(__file__).resolve().parents[2] / "docs" / "import"


@pytest.mark.parametrize("name", ["practices-template.csv", "practices-template.xlsx"])
def test_templates_import_in_a_dry_run(secretariat, name):
    report = run(secretariat, (DOCS / name).read_bytes(), filename=name, dry_run=True)
    assert report.error is None and report.counts["created"] == 2, report.to_dict()


def test_csv_template_has_every_column():
    header = (DOCS / "practices-template.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(COLUMNS)


def test_json_example_publishes_the_scored_practice(secretariat):
    name = "practices-example.json"
    report = run(secretariat, (DOCS / name).read_bytes(), filename=name, dry_run=True)
    assert [r.state for r in report.rows] == ["draft", "published"], report.to_dict()


def test_readme_documents_every_column():
    readme = (DOCS.parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Bulk import of practices", 1)[1].split("\n## ", 1)[0]
    documented = {c for c in COLUMNS if f"`{c}`" in section}
    for criterion in Criterion:
        if "`argument_<criterion>`" in section and f"`{criterion.value}`" in section:
            documented |= {f"argument_{criterion.value}", f"score_{criterion.value}"}
    assert documented == set(COLUMNS), set(COLUMNS) - documented
