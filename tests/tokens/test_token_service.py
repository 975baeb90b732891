"""API tokens: made for their owner, stored hashed, refused with a reason, revoked once, and
counted against a limit per minute by one conditional UPDATE."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from kmportal.audit import service as audit
from kmportal.audit.models import AuditEvent
from kmportal.auth.models import Role
from kmportal.auth.service import update_user
from kmportal.errors import Conflict, NotFound, ValidationError
from kmportal.extensions import db
from kmportal.tokens import service
from kmportal.tokens.models import ApiToken, Scope, TokenState

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def _count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken))


def make(user, scope="read", **kwargs):
    kwargs.setdefault("today", TODAY)
    return service.create_token(user, kwargs.pop("name", "Report script"), scope, **kwargs)


def test_a_token_is_made_for_its_owner_and_only_its_hash_is_stored(focal_br):
    token, raw = make(focal_br, "write")
    assert raw.startswith("kmp_") and len(raw) > 40
    assert token.user_id == focal_br.id and token.scope is Scope.WRITE
    assert token.token_hash == service.hash_token(raw) and token.prefix == raw[:10]
    stored = db.session.execute(sa.text("SELECT * FROM api_token")).mappings().one()
    assert raw not in {str(value) for value in stored.values()}
    assert token.expires_at == datetime(2027, 3, 2, tzinfo=UTC)  # 90 days by default
    assert token.state is TokenState.ACTIVE and token.last_used_at is None


def test_creating_a_token_is_audited_without_its_secret(focal_br):
    token, raw = make(focal_br)
    events = audit.history("api_token", token.id)
    assert [e.action for e in events] == ["token.create"]
    assert events[0].actor_id == focal_br.id
    written = str(events[0].changes) + str(events[0].note)
    assert raw not in written and token.token_hash not in written and token.prefix not in written
    assert events[0].changes["scope"] == [None, "read"]


def test_the_scope_may_be_given_as_a_member_or_its_value(focal_br):
    assert make(focal_br, Scope.WRITE)[0].scope is Scope.WRITE
    assert make(focal_br, "read")[0].scope is Scope.READ


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"scope": "admin"}, "scope"),
        ({"scope": None}, "scope"),
        ({"expires_on": TODAY}, "expires_on"),
        ({"expires_on": TODAY - timedelta(days=3)}, "expires_on"),
        ({"expires_on": TODAY + timedelta(days=366)}, "expires_on"),
        ({"expires_on": "next week"}, "expires_on"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_written(focal_br, values, field):
    arguments = {"name": "Report script", "scope": "read", **values}
    with pytest.raises(ValidationError) as refused:
        service.create_token(focal_br, **arguments, today=TODAY)
    assert set(refused.value.errors) == {field}
    assert str(refused.value.errors[field])
    db.session.rollback()
    assert _count() == 0
    assert not db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "token.create")
    )


def test_a_token_lasts_at_most_a_year(focal_br):
    token, _raw = make(focal_br, expires_on=TODAY + timedelta(days=365))
    assert token.expires_at == datetime(2027, 12, 2, tzinfo=UTC)
    token, _raw = make(focal_br, expires_on="2026-12-03")
    assert token.expires_at == datetime(2026, 12, 3, tzinfo=UTC)


def test_the_name_is_stripped(focal_br):
    assert make(focal_br, name="  Nightly export  ")[0].name == "Nightly export"


def test_authenticate_finds_the_token_by_its_raw_value(focal_br):
    token, raw = make(focal_br)
    assert service.authenticate(raw, now=NOW).id == token.id


@pytest.mark.parametrize("raw", ["", None, "kmp_nothing-like-this", "Bearer kmp_x", "x" * 5000])
def test_an_unknown_token_is_refused(app, raw):
    with pytest.raises(service.TokenRefused) as refused:
        service.authenticate(raw, now=NOW)
    assert refused.value.reason == "unknown" and refused.value.status_code == 401
    assert str(refused.value.message)


def test_an_expired_token_is_refused(focal_br):
    token, raw = make(focal_br, expires_on=TODAY + timedelta(days=1))
    assert service.authenticate(raw, now=datetime(2026, 12, 2, 23, 59, tzinfo=UTC))
    with pytest.raises(service.TokenRefused) as refused:
        service.authenticate(raw, now=datetime(2026, 12, 3, 0, 0, tzinfo=UTC))
    assert refused.value.reason == "expired"
    assert token.state_at(datetime(2026, 12, 3, tzinfo=UTC)) is TokenState.EXPIRED


def test_a_revoked_token_is_refused(focal_br):
    token, raw = make(focal_br)
    service.revoke_token(focal_br, token.id)
    with pytest.raises(service.TokenRefused) as refused:
        service.authenticate(raw, now=NOW)
    assert refused.value.reason == "revoked"
    assert token.state is TokenState.REVOKED


def test_the_token_of_a_disabled_account_is_refused(focal_br, secretariat):
    _token, raw = make(focal_br)
    update_user(secretariat, focal_br, Role.FOCAL_POINT, "BR", "pt", active=False)
    with pytest.raises(service.TokenRefused) as refused:
        service.authenticate(raw, now=NOW)
    assert refused.value.reason == "inactive_account"


def test_each_refusal_reason_has_its_own_message(app):
    messages = {
        str(service.TokenRefused(reason).message) for reason in service.TokenRefused.MESSAGES
    }
    assert len(messages) == 4


def test_revoking_is_audited_and_a_second_revoke_is_a_conflict(focal_br):
    token, _raw = make(focal_br)
    service.revoke_token(focal_br, token.id)
    first = token.revoked_at
    with pytest.raises(Conflict):
        service.revoke_token(focal_br, token.id)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at == first
    actions = [e.action for e in audit.history("api_token", token.id)]
    assert actions.count("token.revoke") == 1


def test_nobody_revokes_someone_elses_token(focal_br, focal_co):
    token, raw = make(focal_br)
    with pytest.raises(NotFound):
        service.revoke_token(focal_co, token.id)
    with pytest.raises(NotFound):
        service.revoke_token(focal_co, "not a number")
    db.session.rollback()
    assert service.authenticate(raw, now=NOW).revoked_at is None


def test_the_list_is_the_owners_newest_first_with_states(focal_br, focal_co):
    older, _ = make(focal_br, name="Older")
    newer, _ = make(focal_br, name="Newer")
    make(focal_co, name="Someone else's")
    service.revoke_token(focal_br, older.id)
    listed = service.list_tokens(focal_br)
    assert [t.name for t in listed] == ["Newer", "Older"]
    assert [t.state for t in listed] == [TokenState.ACTIVE, TokenState.REVOKED]


def test_may_write_follows_the_scope(focal_br):
    assert service.may_write(make(focal_br, "write")[0])
    assert not service.may_write(make(focal_br, "read")[0])


def test_spend_counts_up_to_the_limit_then_refuses(focal_br):
    token, _raw = make(focal_br)
    windows = [service.spend(token, 3, now=NOW + timedelta(seconds=i)) for i in range(4)]
    assert [w.allowed for w in windows] == [True, True, True, False]
    assert [w.remaining for w in windows] == [2, 1, 0, 0]
    assert {w.reset_at for w in windows} == {NOW + timedelta(seconds=60)}
    assert windows[-1].limit == 3 and windows[-1].seconds_to_reset(NOW + timedelta(seconds=3)) == 57
    db.session.expire_all()
    stored = db.session.get(ApiToken, token.id)
    assert stored.window_count == 3
    assert stored.last_used_at == NOW + timedelta(seconds=2)  # a refused request leaves it


def test_a_new_window_starts_after_sixty_seconds(focal_br):
    token, _raw = make(focal_br)
    for i in range(2):
        service.spend(token, 2, now=NOW + timedelta(seconds=i))
    assert not service.spend(token, 2, now=NOW + timedelta(seconds=59)).allowed
    later = NOW + timedelta(seconds=60)
    window = service.spend(token, 2, now=later)
    assert window.allowed and window.remaining == 1
    assert window.reset_at == later + timedelta(seconds=60)
    db.session.expire_all()
    stored = db.session.get(ApiToken, token.id)
    assert (stored.window_start, stored.window_count, stored.last_used_at) == (later, 1, later)


def test_the_count_is_committed_even_if_the_request_then_fails(focal_br):
    token, _raw = make(focal_br)
    service.spend(token, 5, now=NOW)
    db.session.rollback()  # the request fails after spending
    with db.engine.connect() as other:
        count = other.execute(
            sa.text("SELECT window_count FROM api_token WHERE id = :id"), {"id": token.id}
        ).scalar()
    assert count == 1


def test_spend_reads_naive_moments_as_utc(focal_br):
    token, _raw = make(focal_br)
    window = service.spend(token, 5, now=NOW.replace(tzinfo=None))
    assert window.reset_at == NOW + timedelta(seconds=60)
