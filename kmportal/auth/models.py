from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from kmportal.audit.models import utcnow
from kmportal.enums import LabelledEnum, enum_type
from kmportal.extensions import db
from kmportal.reference.models import Country


class Role(LabelledEnum):
    FOCAL_POINT = "focal_point", _l("Focal point")
    SECRETARIAT = "secretariat", _l("Technical Secretariat")
    ADMIN = "admin", _l("Administrator")


def hash_password(password: str) -> str:
    # Werkzeug's default is scrypt, a memory-hard KDF with a per-password salt.
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return generate_password_hash(password, method=method)


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

    country: Mapped[Country | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_secretariat(self) -> bool:
        return self.role in (Role.SECRETARIAT, Role.ADMIN)

    def is_focal_point_of(self, country_code: str | None) -> bool:
        return self.role is Role.FOCAL_POINT and self.country_code == country_code

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"


# One account per e-mail address whatever its case (the service also stores it lower-case).
sa.Index("uq_user_email_lower", sa.func.lower(User.email), unique=True)
