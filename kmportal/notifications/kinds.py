"""What an audited action tells whom: one table (data), read by service.on_recorded().

Each rule names the kind of notification (what people choose immediate / weekly / none
for), who receives it (a recipients resolver in recipients.py) and the sentence shown in the
portal and the mail. Add a row here to notify a new action; no code changes elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    label: object  # the preferences form's label
    # Mail-only kinds (a password reset) are neither listed in the portal nor optional.
    listed: bool = True


KINDS: dict[str, Kind] = {
    "transfer_proposed": Kind(_l("A transfer is proposed or asked for")),
    "transfer_agreed": Kind(_l("A transfer is agreed")),
    "transfer_transferred": Kind(_l("A transfer has taken place and awaits confirmation")),
    "transfer_confirmed": Kind(_l("A country confirms a transfer")),
    "follow_up_due": Kind(_l("A follow-up comes due")),
    "practice_submitted": Kind(_l("A practice is submitted for validation")),
    "practice_returned": Kind(_l("A practice is returned with comments")),
    "practice_published": Kind(_l("A practice is published")),
    "edit_decided": Kind(_l("A change to a published practice is decided")),
    "need_matched": Kind(_l("A practice may answer a need of your country")),
    "password_reset": Kind(_l("Password reset"), listed=False),
}


@dataclass(frozen=True)
class Rule:
    kind: str
    recipients: str  # a name in recipients.RESOLVERS
    message: object  # lazy text, formatted with the notification's params


RULES: dict[str, Rule] = {
    "transfer.propose": Rule(
        "transfer_proposed",
        "transfer_other_country",
        _l(
            "Transfer of “%(title)s” from %(provider)s to %(recipient)s proposed: "
            "it needs your agreement."
        ),
    ),
    "transfer.agree": Rule(
        "transfer_agreed",
        "transfer_other_country",
        _l("The transfer of “%(title)s” from %(provider)s to %(recipient)s is agreed."),
    ),
    "transfer.complete": Rule(
        "transfer_transferred",
        "transfer_other_country",
        _l(
            "The transfer of “%(title)s” from %(provider)s to %(recipient)s has taken place: "
            "confirm it."
        ),
    ),
    "transfer.confirm": Rule(
        "transfer_confirmed",
        "transfer_other_country",
        _l("A country confirmed the transfer of “%(title)s” from %(provider)s to %(recipient)s."),
    ),
    "practice.submit": Rule(
        "practice_submitted",
        "secretariat",
        _l("The practice “%(title)s” is submitted for validation."),
    ),
    "practice.return": Rule(
        "practice_returned",
        "practice_country",
        _l("The practice “%(title)s” was returned with comments."),
    ),
    "practice.publish": Rule(
        "practice_published",
        "practice_country",
        _l("The practice “%(title)s” is published."),
    ),
    "practice.accept_edit": Rule(
        "edit_decided",
        "practice_country",
        _l("Your change to the practice “%(title)s” was accepted."),
    ),
    "practice.reject_edit": Rule(
        "edit_decided",
        "practice_country",
        _l("Your change to the practice “%(title)s” was rejected."),
    ),
    "need.matched": Rule(
        "need_matched",
        "need_country",
        _l("A practice may answer a need of your country: “%(title)s”."),
    ),
}

# Sentences of the kinds that no audited action causes.
MESSAGES: dict[str, object] = {
    "follow_up_due": _l("A follow-up of the transfer of “%(title)s” is due on %(due_on)s."),
    "password_reset": _l("Reset your password."),
}


def message_for(notification) -> object:
    """The lazy sentence of a notification (by its cause's action, else by its kind)."""
    action = (notification.params or {}).get("action")
    rule = RULES.get(action) if action else None
    return rule.message if rule else MESSAGES.get(notification.kind, KINDS[notification.kind].label)


def listed_kinds() -> list[str]:
    return [name for name, kind in KINDS.items() if kind.listed]
