"""In headless Chromium, the practice page's JSON-LD block raises no Content-Security-Policy
violation (a data block is never executed), while an inline executable script under the
same policy does: the check can fail."""

from __future__ import annotations

import pytest

from kmportal.auth import service as accounts
from kmportal.auth.models import Role
from tests.factories import PracticeFactory
from tests.slow.conftest import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _csp_errors(browser) -> list[str]:
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def test_json_ld_passes_the_csp_in_a_browser(live_app, browser):
    @live_app.route("/_probe/inline-script")
    def inline_script():
        return "<!doctype html><title>probe</title><script>document.title='ran'</script>"

    with live_app.app_context():
        secretariat = accounts.create_user(
            "sec.browser@example.org", "sec", "a long browser password", Role.SECRETARIAT
        )
        practice = PracticeFactory(secretariat).make(secretariat, "published")
        practice_id = practice.id
    with LiveServer(live_app) as server:
        browser.get(f"{server.url}/practices/{practice_id}")
        assert browser.execute_script(
            "return JSON.parse(document.querySelector("
            "'script[type=\"application/ld+json\"]').textContent).name"
        )
        assert _csp_errors(browser) == []
        browser.get(f"{server.url}/_probe/inline-script")
        assert browser.title == "probe"  # the inline script did not run
        assert _csp_errors(browser)
