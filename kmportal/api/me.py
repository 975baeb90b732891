"""GET /api/v1/me: whose token this is (or whose browser session), and what it may do."""

from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from kmportal.api import identity
from kmportal.api.schemas.common import CountryRef, UtcDateTime
from kmportal.api.shapes import country as country_ref
from kmportal.api.spec import TOKEN_SECURITY, Blueprint
from kmportal.auth.models import Role
from kmportal.errors import DomainError

blp = Blueprint("Me", __name__, url_prefix="/api/v1", description="Who is asking.")


class TokenInfo(Schema):
    name = fields.String(required=True)
    scope = fields.String(required=True, metadata={"enum": ["read", "write"]})
    prefix = fields.String(required=True, metadata={"description": "Its first characters."})
    created_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True)
    last_used_at = UtcDateTime(allow_none=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, metadata={"enum": Role.values()})
    role_label = fields.String(required=True)
    country = fields.Nested(CountryRef, allow_none=True)
    language = fields.String(required=True)
    token = fields.Nested(
        TokenInfo,
        allow_none=True,
        metadata={"description": "The token of this request; null for a browser session."},
    )


class NotSignedIn(DomainError):
    status_code = 401
    headers = {"WWW-Authenticate": 'Bearer realm="kmportal"'}


@blp.route("/me")
@blp.response(200, MeSchema)
@blp.doc(security=TOKEN_SECURITY)
def me():
    """Whose token this is."""
    user = identity.user()
    if not user.is_authenticated:
        raise NotSignedIn(_l("This request carries no token: send Authorization: Bearer …"))
    token = g.get("api_token")
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role.value,
        "role_label": str(user.role.label),
        "country": country_ref(user.country),
        "language": user.language,
        "token": None
        if token is None
        else {
            "name": token.name,
            "scope": token.scope.value,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
        },
    }
