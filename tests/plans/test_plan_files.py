"""Work plan files: the importer (flask plan import), its checks, the export and round trip."""

import json

import pytest
import sqlalchemy as sa
import yaml

from kmportal.audit.models import AuditEvent
from kmportal.extensions import db
from kmportal.reference import planfile, plans, queries
from kmportal.reference.models import Activity, Objective, Plan, Result, Target
from tests.test_reference_data import dump

SHIPPED = plans.SHIPPED_PLANS / "plan-2015-2016.yaml"


def shipped() -> dict:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def write(tmp_path, data, name="plan.yaml") -> str:
    path = tmp_path / name
    text = (
        json.dumps(data, ensure_ascii=False)
        if name.endswith(".json")
        else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    )
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_the_shipped_file_is_the_loaded_plan_with_four_languages(app):
    plan = queries.plan_by_code("2015-2016")
    assert plan.official_language == "es"
    knowledge = plan.objectives[2]
    assert knowledge.name == "Gestión del conocimiento"
    assert knowledge.text_in("name", "en") == "Knowledge management"
    assert knowledge.text_in("name", "pt") == "Gestão do conhecimento"
    assert knowledge.text_in("name", "fr") == "Gestion des connaissances"
    every_row = [plan, *plan.objectives] + [r for o in plan.objectives for r in o.results]
    every_row += [a for o in plan.objectives for r in o.results for a in r.activities]
    assert all(set(row.translations) == {"en", "pt", "fr"} for row in every_row)


def test_importing_the_same_file_twice_changes_nothing(runner):
    before = dump()
    result = runner.invoke(args=["plan", "import", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert "0 added, 0 updated" in result.output
    assert dump() == before


def test_an_edited_file_updates_by_code_and_is_audited(runner, tmp_path):
    data = shipped()
    knowledge = data["objectives"][2]["results"][0]
    knowledge["targets"][0]["quantity"] = 20
    knowledge["text"]["en"] = "Fifteen good practices transferred"
    knowledge["activities"][0]["months"] = ["2015-11", "2016-01"]
    result = runner.invoke(args=["plan", "import", write(tmp_path, data)])
    assert result.exit_code == 0, result.output
    assert "0 added, 3 updated" in result.output
    target = db.session.scalar(sa.select(Target))
    assert target.quantity == 20
    assert target.result.text_in("text", "en") == "Fifteen good practices transferred"
    assert [str(m.month) for m in target.result.activities[0].months] == [
        "2015-11-01",
        "2016-01-01",
    ]
    events = sa.select(AuditEvent).where(AuditEvent.action == "plan.import")
    event = db.session.scalar(events.order_by(AuditEvent.id.desc()))
    assert sorted(event.changes["updated"]) == ["3.1", "3.1.1", "3.1:practices_transferred"]
    # Rows are matched by code: nothing was added.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Result)) == 6


def test_a_new_period_in_json_is_created(runner, tmp_path):
    data = shipped()
    data["period"].update(code="2017-2018", start="2017-01", end="2018-12")
    target = data["objectives"][2]["results"][0]["targets"][0]
    target.update(quantity=20, start="2017-01-01", end="2018-12-31")
    result = runner.invoke(args=["plan", "import", write(tmp_path, data, "next.json")])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 2
    later = queries.plan_by_code("2017-2018")
    assert queries.current_target(plan=later).quantity == 20
    assert queries.current_target(plan=queries.plan_by_code("2015-2016")).quantity == 15


def test_export_writes_the_import_format_round_trip(runner, tmp_path):
    result = runner.invoke(args=["plan", "export", "--period", "2015-2016"])
    assert result.exit_code == 0, result.output
    assert planfile.parse(result.output) == planfile.parse(SHIPPED.read_text(encoding="utf-8"))
    as_json = runner.invoke(args=["plan", "export", "--format", "json"]).output
    assert planfile.parse(as_json, "x.json") == planfile.parse(result.output)
    # Re-importing the export changes nothing.
    before = dump()
    path = tmp_path / "export.yaml"
    path.write_text(result.output, encoding="utf-8")
    assert "0 added, 0 updated" in runner.invoke(args=["plan", "import", str(path)]).output
    assert dump() == before


def test_export_of_an_unknown_period_is_a_message(runner):
    result = runner.invoke(args=["plan", "export", "--period", "1999"])
    assert result.exit_code != 0 and "1999" in result.output


def problems_of(data, name="plan.yaml") -> list[str]:
    text = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.parse(text, name)
    return [f"{where}: {message}" for where, message in caught.value.problems]


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_a_missing_key_is_named_with_its_line(app):
    data = shipped()
    del data["objectives"][1]["results"][0]["text"]
    (problem,) = problems_of(data)
    text = yaml.safe_dump(data, sort_keys=False)
    line = line_of(text, "code: '2.1'")
    assert problem.startswith(f"line {line} (objectives[1].results[0])")
    assert "“text” is missing" in problem


def test_a_duplicate_code_and_a_wrong_code(app):
    data = shipped()
    activities = data["objectives"][0]["results"][0]["activities"]
    activities[1]["code"] = "1.1.1"
    activities[2]["code"] = "2.1.3"
    problems = problems_of(data)
    assert any(
        "objectives[0].results[0].activities[1].code" in p and "appears twice" in p
        for p in problems
    )
    assert any("activities[2].code" in p and "must be “1.1.1”" in p for p in problems)


def test_months_outside_the_period_and_targets_of_zero_or_less(app):
    data = shipped()
    data["objectives"][0]["results"][0]["activities"][0]["months"] = ["2016-10", "2015-13"]
    target = data["objectives"][2]["results"][0]["targets"][0]
    target["quantity"] = 0
    problems = problems_of(data)
    assert any(
        "months[0]" in p and "outside the plan period (2015-10 to 2016-09)" in p for p in problems
    )
    assert any("months[1]" in p and "YYYY-MM" in p for p in problems)
    assert any("targets[0].quantity" in p and "greater than 0" in p for p in problems)
    target["quantity"] = -3
    assert any("greater than 0" in p for p in problems_of(data))
    target["quantity"] = "15"
    assert any("greater than 0" in p for p in problems_of(data))


def test_unknown_language_and_missing_official_text(app):
    data = shipped()
    data["objectives"][0]["name"]["de"] = "Interessenvertretung"
    del data["objectives"][1]["name"]["es"]
    data["period"]["official_language"] = "es"
    problems = problems_of(data)
    assert any("objectives[0].name.de" in p and "Unknown language “de”" in p for p in problems)
    assert any("objectives[1].name" in p and "official language (es)" in p for p in problems)
    data["period"]["official_language"] = "xx"
    assert any("period.official_language" in p for p in problems_of(data))


def test_json_problems_have_lines_too(app):
    data = shipped()
    data["objectives"][2]["results"][0]["targets"][0]["quantity"] = -1
    text = json.dumps(data, indent=2)
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.parse(text, "plan.json")
    ((where, _message),) = caught.value.problems
    line = line_of(text, '"quantity": -1')
    assert where.startswith(f"line {line} ")


def test_not_a_plan_at_all(app):
    for text in ("period: [", "- just\n- a list\n", "", "period: {}\nobjectives: 3\nextra: 1\n"):
        with pytest.raises(planfile.PlanFileError) as caught:
            planfile.parse(text)
        assert caught.value.problems
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.parse("{", "x.json")
    assert "not valid JSON" in str(caught.value.problems[0][1])


def test_a_bad_file_changes_nothing_and_says_why_with_lines(runner, tmp_path):
    data = shipped()
    data["period"]["code"] = "2017-2018"  # a whole new plan period...
    data["objectives"][3]["results"][0]["activities"][6]["code"] = "4.1.6"  # ...one bad code
    before = dump()
    result = runner.invoke(args=["plan", "import", write(tmp_path, data)])
    assert result.exit_code == 1
    assert "appears twice" in result.output and "line " in result.output
    assert dump() == before


def test_a_file_that_is_not_utf8_is_a_message(runner, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_bytes("period: {code: '2015'}\n# \xe9".encode("latin-1"))
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_the_official_language_can_be_another(app):
    data = shipped()
    data["period"].update(code="2019", official_language="pt", start="2019-01", end="2019-12")
    data["objectives"][2]["results"][0]["targets"] = []
    plans.import_plan(planfile.parse(yaml.safe_dump(data)))
    plan = queries.plan_by_code("2019")
    assert plan.objectives[2].name == "Gestão do conhecimento"
    assert plan.objectives[2].text_in("name", "es") == "Gestión del conocimiento"
    assert "pt" not in plan.objectives[2].translations
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Objective)) == 8
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 42


def test_aliases_are_refused_before_anything_is_built(app):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    with pytest.raises(planfile.PlanFileError) as caught:
        planfile.parse(bomb)
    ((where, message),) = caught.value.problems
    assert where == "line 2" and "aliases" in str(message)


def test_absurdly_deep_nesting_is_a_message(app):
    for text, name in (("[" * 3000, "x.yaml"), ("- " * 3000, "x.yaml"), ("[" * 50000, "x.json")):
        with pytest.raises(planfile.PlanFileError):
            planfile.parse(text, name)
