"""Migration 0005 gives existing accounts a session token and leaves what refers to them."""

import sqlalchemy as sa
from flask_migrate import upgrade

from kmportal import create_app
from kmportal.extensions import db
from tests.conftest import base_config


def test_existing_accounts_get_distinct_tokens_and_keep_their_references(tmp_path):
    app = create_app(base_config(tmp_path, f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        upgrade(revision="0002_transfers")
        with db.engine.begin() as connection:
            for n in (1, 2):
                connection.execute(
                    sa.text(
                        'INSERT INTO "user" (id, email, name, password_hash, role, language, '
                        "active, created_at) VALUES (:n, :email, 'N', 'x', 'secretariat', 'es', "
                        "true, CURRENT_TIMESTAMP)"
                    ),
                    {"n": n, "email": f"u{n}@example.org"},
                )
            connection.execute(
                sa.text(
                    "INSERT INTO audit_event (at, actor_id, action, entity_type, entity_id, "
                    "changes) VALUES (CURRENT_TIMESTAMP, 1, 'user.create', 'user', 1, '{}')"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            tokens = connection.execute(sa.text('SELECT session_token FROM "user"')).scalars()
            tokens = list(tokens)
            actor = connection.execute(sa.text("SELECT actor_id FROM audit_event")).scalar()
        assert len(set(tokens)) == 2 and all(len(token) >= 40 for token in tokens)
        assert actor == 1  # the user table was not rebuilt (which would have cascaded)
        db.engine.dispose()
