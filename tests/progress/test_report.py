"""The printable progress report of Objective 3 for the Network's meetings."""

from kmportal.transfers import service


def test_report_has_target_progress_transfers_funding_and_overdue_follow_ups(
    client, auth, transfers, secretariat
):
    counted = transfers.make("transferred")
    cancelled = transfers.make("agreed", provider="MX", recipient="PE")
    service.move(
        secretariat, cancelled, "cancel", reason="Sin contrapartida.", lessons="Firmar antes."
    )
    page = client.get("/dashboard/report").get_data(as_text=True)
    assert "Objective 3, knowledge management: progress report" in page
    # The target's text in the reader's language, marked as a translation (the official
    # text is Spanish); in Spanish, the official text.
    assert "Fifteen (15) good practices transferred between countries" in page
    assert "(unofficial translation)" in page
    spanish = client.get("/dashboard/report?lang=es").get_data(as_text=True)
    assert '<span lang="es">Quince (15) buenas prácticas transferidas entre países' in spanish
    assert 'counted-number">1</span>' in page
    assert "Transfers by funding mode" in page and "Funded by the interested country" in page
    assert f'<td class="num">{counted.id}</td>' in page
    assert "Sin contrapartida." in page and "Firmar antes." in page
    assert "Overdue follow-ups" not in page  # for the Network only
    assert "<script" not in page
    auth.login(secretariat)
    page = client.get("/dashboard/report").get_data(as_text=True)
    assert "Overdue follow-ups" in page
    assert page.count("months after the transfer") == 3


def test_the_follow_ups_of_the_dashboard_and_report_are_decided_by_the_queries(
    transfers, secretariat
):
    from datetime import date

    import pytest
    from flask_login import AnonymousUserMixin

    from kmportal.errors import PermissionDenied
    from kmportal.progress import queries

    transfers.make("transferred")
    anonymous, today = AnonymousUserMixin(), date(2019, 1, 1)
    assert queries.dashboard(anonymous, today).follow_ups == {}
    assert queries.dashboard(secretariat, today).follow_ups["overdue"] == 3
    assert queries.report(anonymous, today).overdue is None
    assert len(queries.report(secretariat, today).overdue) == 3
    with pytest.raises(PermissionDenied):
        queries.overdue_follow_ups(anonymous, today)
