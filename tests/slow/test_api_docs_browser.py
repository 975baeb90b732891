"""The API documentation page in headless Chromium: the vendored Swagger UI renders the
generated document, with no request leaving the portal and no CSP violation."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.slow.conftest import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_swagger_ui_renders_the_document_under_the_csp(live_app, browser):
    browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    with LiveServer(live_app) as server:
        browser.get(f"{server.url}/api/v1/docs")
        wait = WebDriverWait(browser, 20)
        title = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui .title")))
        assert "kmportal API" in title.text
        operations = browser.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")
        paths = {element.get_attribute("data-path") or element.text for element in operations}
        assert any("/api/v1/practices" in path for path in paths), paths
        resources = browser.execute_script(
            "return performance.getEntriesByType('resource').map(function (r) { return r.name; });"
        )
        assert resources and all(name.startswith(server.url) for name in resources), resources
        assert browser.execute_script("return window.__violations;") == []
