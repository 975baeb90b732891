"""The language a person picks wins: the switcher sets it for the browser session and, for a
signed-in person, stores it as their preference; a language picked before signing in is kept
after it and stored too. Without a fresh pick, signing in brings the stored preference back
(not the language a previous person left in a shared browser).

The locale selector (main/views.py) reads `?lang=`, then the session's pick, then the stored
preference, then the browser's Accept-Language.
"""

from __future__ import annotations

from flask import session
from flask_login import current_user, user_logged_in

LANGUAGE_KEY = "lang"
# Set when an anonymous reader picks a language, until they sign in: "keep it after sign-in".
PICKED_KEY = "lang_picked"


def init_app(app) -> None:
    user_logged_in.connect(_after_sign_in, app)


def pick(code: str) -> None:
    """The reader chose `code` (already one of the portal's languages)."""
    from kmportal.auth import service as accounts

    session[LANGUAGE_KEY] = code
    if getattr(current_user, "is_authenticated", False):
        accounts.set_language(current_user._get_current_object(), code)
        session.pop(PICKED_KEY, None)
    else:
        session[PICKED_KEY] = True


def _after_sign_in(_app, user=None, **_extra) -> None:
    from kmportal.auth import service as accounts

    picked = session.pop(PICKED_KEY, False)
    if picked and session.get(LANGUAGE_KEY):
        accounts.set_language(user, session[LANGUAGE_KEY])
    else:  # whatever an earlier person left in this browser: their stored preference rules
        session.pop(LANGUAGE_KEY, None)
