"""The same schema and rules on PostgreSQL, the production database."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from kmportal.auth import service as accounts
from kmportal.auth.models import Role
from kmportal.demo import loader as demo
from kmportal.extensions import db
from kmportal.practices import queries, service
from kmportal.practices.enums import PracticeState
from kmportal.reference import loaders
from kmportal.reference.models import Country
from tests.factories import GOOD_SCORES, practice_values
from tests.test_migrations import assert_one_owner_enforced_and_reversible

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_migrations_build_the_model_schema_on_postgres(postgres_app):
    upgrade()
    assert db.engine.dialect.name == "postgresql"
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_attachments_have_exactly_one_owner_on_postgres(postgres_app):
    upgrade()
    assert_one_owner_enforced_and_reversible(postgres_app)


def test_reference_load_is_idempotent_on_postgres(postgres_app):
    upgrade()
    loaders.load_countries()
    loaders.load_plan()
    counts = [db.session.scalar(sa.select(sa.func.count()).select_from(Country))]
    second = loaders.load_countries()
    assert second.created == 0
    counts.append(db.session.scalar(sa.select(sa.func.count()).select_from(Country)))
    assert counts[0] == counts[1] >= 30


def test_workflow_and_catalogue_filters_on_postgres(postgres_app):
    upgrade()
    loaders.load_countries()
    loaders.load_plan()
    secretariat = accounts.create_user("s@example.org", "S", "long enough pass", Role.SECRETARIAT)
    focal = accounts.create_user("f@example.org", "F", "long enough pass", Role.FOCAL_POINT, "BR")
    practice = service.create_practice(focal, practice_values(sectors=["mining"]))
    service.submit(focal, practice)
    service.publish(secretariat, practice, GOOD_SCORES)
    assert practice.state is PracticeState.PUBLISHED
    found = db.session.scalars(
        queries.published(
            queries.CatalogueFilters(country="BR", sector="mining", year=2012, theme="peti")
        )
    ).all()
    assert [p.id for p in found] == [practice.id]
    assert queries.years_covered() == list(range(2014, 2009, -1))


def test_demo_data_loads_on_postgres(postgres_app):
    upgrade()
    loaders.load_countries()
    loaders.load_plan()
    report = demo.load()
    assert report.practices >= 40
    published = db.session.scalar(
        sa.select(sa.func.count()).select_from(
            queries.published(queries.CatalogueFilters()).subquery()
        )
    )
    assert published >= 25


PAGES = [
    "/",
    "/practices/",
    "/practices/?sector=mining&year=2012&theme=peti",
    "/search?q=ninos+escuela",
    "/search?q=trabalho&country=BR&sort=date",
    "/transfers/",
    "/transfers/?status=transferred&funding=recipient_funded",
    "/transfers/1",
    "/dashboard",
    "/dashboard/report",
    "/exports/transfers.csv",
    "/exports/transfers.xlsx",
    "/countries/BR",
    "/plan",
    "/trainings/",
]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_main_page_renders_on_postgres(postgres_app, signed_in):
    upgrade()
    loaders.load_countries()
    loaders.load_plan()
    demo.load()
    client = postgres_app.test_client()
    pages = list(PAGES)
    if signed_in:
        client.post(
            "/login", data={"email": demo.SECRETARIAT_EMAIL, "password": demo.DEMO_PASSWORD}
        )
        pages += ["/work", "/transfers/follow-ups", "/users/"]
    failures = {url: client.get(url).status_code for url in pages}
    assert {url: status for url, status in failures.items() if status != 200} == {}


def test_migrations_downgrade_to_base_and_upgrade_again_on_postgres(postgres_app):
    from flask_migrate import downgrade

    upgrade()
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"} == set()
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
