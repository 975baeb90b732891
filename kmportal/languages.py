"""The portal's languages: the interface's, the practices', the search index's, the accounts'."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# In the order the language switcher offers them; Spanish is the default.
LANGUAGES = ("es", "en", "pt", "fr")

# Each language named in the reader's language (for practices and facets)...
LANGUAGE_NAMES = {
    "es": _l("Spanish"),
    "en": _l("English"),
    "pt": _l("Portuguese"),
    "fr": _l("French"),
}
# ...and in its own (for choosing one's own language).
OWN_NAMES = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}
