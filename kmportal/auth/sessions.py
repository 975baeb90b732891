"""Flask-Login's side of sessions: cookies carry the account's session token (its alternative
id), so rotating the token ends every session and remember-me cookie issued before."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, request
from flask_login import login_user

from kmportal.auth.models import User
from kmportal.extensions import db, login_manager


def init_app(app) -> None:
    login_manager.user_loader(load_user)


def load_user(session_token: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.session_token == session_token))
    return user if user is not None and user.active else None


def renew_current_session(user: User) -> None:
    """After the account's token rotated (a password change), keep this browser signed in
    under the new token, remember-me cookie included if it had one."""
    remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=remember_cookie in request.cookies)
