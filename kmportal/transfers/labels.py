"""How transfer and training actions read in the audit trail."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "transfer.propose": _l("Proposed the transfer"),
    "transfer.update": _l("Edited the transfer"),
    "transfer.agree": _l("Agreed to the transfer"),
    "transfer.start": _l("Started the exchange"),
    "transfer.complete": _l("Marked as transferred"),
    "transfer.adopt": _l("Marked as adopted"),
    "transfer.institutionalise": _l("Marked as institutionalised"),
    "transfer.cancel": _l("Cancelled the transfer"),
    "transfer.confirm": _l("Confirmed that the exchange took place"),
    "transfer.follow_up": _l("Recorded a follow-up"),
    "transfer.attach": _l("Attached evidence"),
    "training.create": _l("Recorded the training"),
    "training.update": _l("Edited the training"),
    "training.join": _l("Recorded a participation"),
    "training.leave": _l("Removed a participation"),
    "plan.schedule": _l("Changed the schedule"),
}
