"""A country's page: what it gave, what it received, what it still has to follow up."""


def test_country_page_shows_given_received_and_to_follow_up(client, auth, transfers, focal_co):
    gave = transfers.make("transferred", provider="CO", recipient="PE")
    received = transfers.make("proposed", provider="BR", recipient="CO")
    transfers.make("proposed", provider="MX", recipient="PE")
    page = client.get("/countries/CO").get_data(as_text=True)
    shared = page[page.index("Practices it shared") : page.index("Practices it received")]
    got = page[page.index("Practices it received") :]
    assert f"/transfers/{gave.id}" in shared and "(1)" in shared
    assert f"/transfers/{received.id}" in got
    assert "Counts" in shared
    assert "Still to follow up" not in page  # follow-ups are for the Network
    auth.login(focal_co)
    page = client.get("/countries/CO").get_data(as_text=True)
    assert "Still to follow up" in page
    assert "3 follow-ups are overdue." in page
    assert page.count(f'href="/transfers/{gave.id}"') >= 4  # listed once more per follow-up
