"""How need actions read in the audit trail."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "need.create": _l("Recorded the need"),
    "need.update": _l("Edited the need"),
    "need.matched": _l("A newly published practice matches this need"),
}
