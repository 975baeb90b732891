from datetime import date

import sqlalchemy as sa

from kmportal.extensions import db
from kmportal.reference import loaders
from kmportal.reference.models import (
    Activity,
    ActivityMonth,
    Country,
    Objective,
    Plan,
    Result,
    Target,
)

TABLES = (Country, Plan, Objective, Result, Activity, ActivityMonth, Target)


def dump():
    rows = {}
    for model in TABLES:
        table = model.__table__
        rows[table.name] = sorted(
            tuple(map(str, row)) for row in db.session.execute(sa.select(table))
        )
    return rows


def test_reference_load_is_idempotent(runner):
    # The template database already holds the reference data: loading again adds nothing.
    before = dump()
    result = runner.invoke(args=["reference", "load"])
    assert result.exit_code == 0, result.output
    assert "0 added" in result.output
    assert dump() == before


def test_reference_load_keeps_secretariat_edits(app):
    target = db.session.scalar(sa.select(Target))
    target.quantity = 16
    activity = db.session.scalar(sa.select(Activity))
    activity.months.append(ActivityMonth(month=date(2015, 10, 1)))
    objective = db.session.scalar(sa.select(Objective).where(Objective.number == 1))
    objective.name = "Incidencia política"
    objective.translations = {"en": {"name": "Policy advocacy"}}  # pt and fr missing
    db.session.commit()
    loaders.load_plan()
    assert db.session.scalar(sa.select(Target)).quantity == 16
    assert len(db.session.scalar(sa.select(Activity)).months) == 1
    assert objective.name == "Incidencia política"
    # What was missing is added (the shipped translations), what was there is kept.
    assert objective.text_in("name", "en") == "Policy advocacy"
    assert objective.text_in("name", "pt") == "Incidência"
    assert objective.text_in("description", "fr").startswith("Élaborer une stratégie")


def test_plan_has_four_objectives_and_objective_3_target(app):
    plan = db.session.scalar(sa.select(Plan))
    assert [o.name for o in plan.objectives] == [
        "Incidencia",
        "Movilización de recursos",
        "Gestión del conocimiento",
        "Estructura operativa",
    ]
    knowledge = plan.objectives[2]
    first_result = knowledge.results[0]
    assert first_result.text == "Quince (15) buenas prácticas transferidas entre países"
    (target,) = first_result.targets
    assert (target.indicator, target.quantity) == ("practices_transferred", 15)
    assert (str(target.period_start), str(target.period_end)) == ("2015-10-01", "2016-09-30")
    assert [len(r.activities) for o in plan.objectives for r in o.results] == [4, 2, 3, 3, 2, 7]
    months = plan.months()
    assert len(months) == 12 and str(months[0]) == "2015-10-01" and str(months[-1]) == "2016-09-01"
    # The seed lost the marked cells of the schedule: none is invented.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ActivityMonth)) == 0


def test_countries_have_four_names_from_pycountry(app):
    brazil = db.session.get(Country, "BR")
    assert (brazil.name_es, brazil.name_en, brazil.name_pt, brazil.name_fr) == (
        "Brasil",
        "Brazil",
        "Brasil",
        "Brésil",
    )
    assert db.session.get(Country, "HT").name_fr == "Haïti"
    assert db.session.get(Country, "BO").name_es == "Bolivia"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Country)) >= 30


def test_plan_page_shows_objectives(client):
    page = client.get("/plan?lang=en").get_data(as_text=True)
    assert '<span lang="en" class="unofficial">Knowledge management</span>' in page
    assert "Unofficial translation; official text in Spanish." in page
    assert "Fifteen (15) good practices transferred between countries" in page
    official = client.get("/plan?lang=en&text=official").get_data(as_text=True)
    assert '<span lang="es">Gestión del conocimiento</span>' in official
    assert "Quince (15) buenas prácticas transferidas entre países" in official
    assert "Unofficial translation" not in official
    spanish = client.get("/plan?lang=es").get_data(as_text=True)
    assert '<span lang="es">Gestión del conocimiento</span>' in spanish
    french = client.get("/plan?lang=fr").get_data(as_text=True)
    assert '<span lang="fr" class="unofficial">Gestion des connaissances</span>' in french
