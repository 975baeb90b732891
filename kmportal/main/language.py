"""The language a person picks wins: the switcher sets it for the browser session and, for a
signed-in person, stores it as their preference; a language picked before signing in is kept
after it and stored too. A language picked while signed in leaves with the person when they
sign out, so the next person in a shared browser gets their own stored preference.

The locale selector (main/views.py) reads `?lang=`, then the session's pick, then the stored
preference, then the browser's Accept-Language.
"""

from __future__ import annotations

from flask import session
from flask_login import current_user, user_logged_in, user_logged_out

LANGUAGE_KEY = "lang"
# Set when an anonymous reader picks a language, until they sign in: "keep it after sign-in".
PICKED_KEY = "lang_picked"
# Set when a signed-in person picks one: "forget it when they sign out".
THEIRS_KEY = "lang_theirs"


def init_app(app) -> None:
    user_logged_in.connect(_after_sign_in, app)
    user_logged_out.connect(_after_sign_out, app)


def pick(code: str) -> None:
    """The reader chose `code` (already one of the portal's languages)."""
    from kmportal.auth import service as accounts

    session[LANGUAGE_KEY] = code
    if getattr(current_user, "is_authenticated", False):
        accounts.set_language(current_user._get_current_object(), code)
        session.pop(PICKED_KEY, None)
        session[THEIRS_KEY] = True
    else:
        session[PICKED_KEY] = True


def _after_sign_in(_app, user=None, **_extra) -> None:
    from kmportal.auth import service as accounts

    if session.pop(PICKED_KEY, False) and session.get(LANGUAGE_KEY) and user is not None:
        accounts.set_language(user, session[LANGUAGE_KEY])
        session[THEIRS_KEY] = True


def _after_sign_out(_app, user=None, **_extra) -> None:
    if session.pop(THEIRS_KEY, False):
        session.pop(LANGUAGE_KEY, None)
