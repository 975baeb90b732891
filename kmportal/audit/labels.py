"""How audit actions read on a page."""

from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "practice.create": _l("Created"),
    "practice.update": _l("Edited"),
    "practice.propose_edit": _l("Proposed a change for review"),
    "practice.accept_edit": _l("Accepted a proposed change"),
    "practice.reject_edit": _l("Rejected a proposed change"),
    "practice.submit": _l("Submitted for validation"),
    "practice.publish": _l("Validated and published"),
    "practice.return": _l("Returned with comments"),
    "practice.archive": _l("Archived"),
    "practice.attach": _l("Attached a document"),
    "user.create": _l("Account created"),
    "user.password": _l("Password changed"),
    "user.update": _l("Account changed"),
    "user.reset_password": _l("Provisional password given"),
    "user.login": _l("Signed in"),
    "user.login_failed": _l("Failed sign-in"),
    "user.login_throttled": _l("Sign-in refused: too many attempts"),
    "user.logout": _l("Signed out"),
}


def register(labels: dict) -> None:
    """A capability adds the labels of its own audit actions (e.g. "transfer.agree")."""
    ACTION_LABELS.update(labels)


def action_label(action: str):
    return ACTION_LABELS.get(action, action)
