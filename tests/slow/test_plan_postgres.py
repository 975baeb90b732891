"""Migration 0009 (plan periods) and the plan importer on PostgreSQL."""

import pytest

from tests.plans.test_plan_migration import assert_plans_survive_0009

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_existing_plans_survive_the_migration_up_and_down_on_postgres(postgres_app):
    assert_plans_survive_0009(postgres_app)
