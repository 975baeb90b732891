"""Transfers in any status, made through the services (so they obey the rules)."""

from __future__ import annotations

from datetime import date

from kmportal.practices import service as practices
from kmportal.transfers import confirmations, service
from tests.factories import GOOD_SCORES, practice_values

# The steps from "proposed" to each status, in order.
PATH = {
    "proposed": [],
    "agreed": ["agree"],
    "in_progress": ["agree", "start"],
    "transferred": ["agree", "start", "complete"],
    "adopted": ["agree", "start", "complete", "adopt"],
    "institutionalised": ["agree", "start", "complete", "adopt", "institutionalise"],
    "cancelled": ["cancel"],
}
# Inside the 2015–2016 plan's target period (October 2015 to September 2016).
DATES = {
    "proposed_on": date(2015, 10, 20),
    "agree": date(2015, 11, 10),
    "start": date(2016, 1, 11),
    "complete": date(2016, 3, 15),
    "adopt": date(2016, 6, 1),
    "institutionalise": date(2016, 9, 1),
    "cancel": date(2016, 2, 1),
}


def transfer_values(**overrides) -> dict:
    values = {
        "provider_code": "BR",
        "recipient_code": "CO",
        "purpose": "Adaptar el programa a las zonas cafeteras.",
        "modality": "bilateral",
        "funding_mode": "recipient_funded",
        "proposed_on": DATES["proposed_on"].isoformat(),
    }
    values.update(overrides)
    return values


class TransferFactory:
    def __init__(self, secretariat):
        self.secretariat = secretariat
        self._practices: dict[str, object] = {}

    def practice(self, country: str = "BR", title: str | None = None):
        """A published practice of `country` (one per country unless a title is given)."""
        key = title or country
        if key not in self._practices:
            values = practice_values(country_code=country)
            if title:
                values["title"] = title
            practice = practices.create_practice(self.secretariat, values)
            practices.submit(self.secretariat, practice)
            practices.publish(self.secretariat, practice, GOOD_SCORES)
            self._practices[key] = practice
        return self._practices[key]

    def make(
        self,
        status: str = "proposed",
        provider: str = "BR",
        recipient: str = "CO",
        confirmed: bool = True,
        practice=None,
        author=None,
        dates: dict | None = None,
        **values,
    ):
        """A transfer moved to `status` by the secretariat; once transferred, confirmed by both
        countries (on their behalf) unless `confirmed` is False."""
        author = author or self.secretariat
        on = {**DATES, **(dates or {})}
        practice = practice or self.practice(provider)
        transfer = service.propose(
            author,
            practice,
            transfer_values(
                provider_code=provider,
                recipient_code=recipient,
                proposed_on=on["proposed_on"].isoformat(),
                **values,
            ),
        )
        for step in PATH[status]:
            service.move(
                self.secretariat,
                transfer,
                step,
                on=on[step],
                reason="Cambio de prioridades." if step == "cancel" else None,
            )
        if confirmed and status in ("transferred", "adopted", "institutionalised"):
            for side in ("provider", "recipient"):
                confirmations.confirm(
                    self.secretariat, transfer, side, "Acta de la reunión de la Red."
                )
        return transfer
