from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kmportal.audit.models import utcnow
from kmportal.auth import passwords
from kmportal.enums import LabelledEnum, enum_type
from kmportal.extensions import db
from kmportal.reference.models import Country


class Role(LabelledEnum):
    FOCAL_POINT = "focal_point", _l("Focal point")
    SECRETARIAT = "secretariat", _l("Technical Secretariat")
    ADMIN = "admin", _l("Administrator")


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    """A person who signs in: a country's focal point, the secretariat, or an administrator."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(enum_type(Role))
    country_code: Mapped[str | None] = mapped_column(sa.ForeignKey("country.code"))
    language: Mapped[str] = mapped_column(sa.String(2), default="es")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Flask-Login's alternative id: the cookies carry this, not the user id, and a new one
    # (rotate_session_token) signs out every session and remember-me cookie of the account.
    # Nullable only so that SQLite adds the column without rebuilding the user table (with
    # foreign keys on, a rebuild would cascade to every row that refers to a user); every
    # account gets one by default and the migration fills in the existing ones.
    session_token: Mapped[str | None] = mapped_column(
        sa.String(64), unique=True, index=True, default=lambda: new_session_token()
    )

    country: Mapped[Country | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        return self.session_token

    def rotate_session_token(self) -> None:
        """End every session of this account: cookies holding the old token no longer load it."""
        self.session_token = new_session_token()

    @property
    def is_secretariat(self) -> bool:
        return self.role in (Role.SECRETARIAT, Role.ADMIN)

    def is_focal_point_of(self, country_code: str | None) -> bool:
        return self.role is Role.FOCAL_POINT and self.country_code == country_code

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.verify(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


# One account per e-mail address whatever its case (the service also stores it lower-case).
sa.Index("uq_user_email_lower", sa.func.lower(User.email), unique=True)
