"""`flask tokens`: create prints only the token, which then authenticates; list and revoke
by e-mail; clear errors for an unknown address or scope."""

from __future__ import annotations

from kmportal.extensions import db
from kmportal.tokens import service
from kmportal.tokens.models import ApiToken, Scope, TokenState


def test_create_prints_only_a_token_that_authenticates(runner, focal_br):
    result = runner.invoke(
        args=["tokens", "create", "--email", "Focal.BR@example.org", "--scope", "write"]
    )
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    assert raw.startswith("kmp_") and "\n" not in raw
    token = service.authenticate(raw)
    assert token.user_id == focal_br.id and token.scope is Scope.WRITE
    assert token.name == "command line"


def test_create_with_a_name_and_days(runner, focal_br):
    result = runner.invoke(
        args=["tokens", "create", "--email", focal_br.email, "--scope", "read"]
        + ["--name", "Nightly", "--days", "7"]
    )
    token = service.authenticate(result.stdout.strip())
    assert token.name == "Nightly"
    assert (token.expires_at.date() - token.created_at.date()).days == 7


def test_unknown_email_bad_scope_and_too_many_days_are_clear_errors(runner, focal_br):
    unknown = runner.invoke(args=["tokens", "create", "--email", "x@y.org", "--scope", "read"])
    assert unknown.exit_code == 1 and "x@y.org" in unknown.output
    scope = runner.invoke(args=["tokens", "create", "--email", focal_br.email, "--scope", "all"])
    assert scope.exit_code == 2 and "--scope" in scope.output
    days = runner.invoke(
        args=["tokens", "create", "--email", focal_br.email, "--scope", "read", "--days", "400"]
    )
    assert days.exit_code == 1 and "expires_on" in days.output
    assert db.session.query(ApiToken).count() == 0


def test_list_and_revoke(runner, focal_br, focal_co):
    token, _raw = service.create_token(focal_br, "Listed", "read")
    listed = runner.invoke(args=["tokens", "list", "--email", focal_br.email])
    assert listed.exit_code == 0
    assert (
        f"{token.id}\tactive\tread\t{token.prefix}…" in listed.output and "Listed" in listed.output
    )
    other = runner.invoke(args=["tokens", "revoke", "--email", focal_co.email, str(token.id)])
    assert other.exit_code == 1
    revoked = runner.invoke(args=["tokens", "revoke", "--email", focal_br.email, str(token.id)])
    assert revoked.exit_code == 0, revoked.output
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).state is TokenState.REVOKED
    again = runner.invoke(args=["tokens", "revoke", "--email", focal_br.email, str(token.id)])
    assert again.exit_code == 1
