"""Reach, in headless Chromium at 390 px wide: no main page scrolls sideways, and axe-core finds
no serious or critical violation, signed out and signed in (focal point, secretariat).

One browser and one live server for the whole module: every page is loaded once, measured and
checked by axe, and the tests below assert on what was seen. axe-core comes from npm
(package-lock.json), installed by scripts/test.sh; nothing is fetched while the tests run.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By

from kmportal import create_app
from kmportal.demo import loader
from kmportal.extensions import db
from tests.conftest import base_config
from tests.slow.conftest import LiveServer, start_browser, unavailable
from tests.slow.test_browser import click_and_wait

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WIDTH = 390
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC = [
    "/",
    "/practices/",
    "/practices/{practice}",
    "/search?q=escuela",
    "/transfers/",
    "/transfers/{transfer}",
    "/dashboard",
    "/dashboard/report",
    "/plan",
    "/countries/",
    "/countries/BR",
    "/trainings/",
    "/needs/",
    "/needs/{need}",
]
SIGNED_IN = [
    *PUBLIC,
    "/work",
    "/notifications",
    "/account/notifications",
    "/account/tokens",
    "/transfers/follow-ups",
    "/practices/new",
    "/transfers/new",
    "/needs/new",
    "/needs/matrix",
]
# (who, the language the browser picks, the pages, whether axe checks them too: the French
# pass only measures widths, French words being the longest, to keep the module fast)
VISITS = [
    ("anonymous", "es", [*PUBLIC, "/login"], True),
    ("anonymous", "fr", [*PUBLIC, "/login"], False),
    (loader.FOCAL_POINT_EMAIL.format(code="br"), None, SIGNED_IN, True),  # stored: Portuguese
    (loader.SECRETARIAT_EMAIL, None, SIGNED_IN, True),  # stored: Spanish
]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (result) => done(result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + ": " + n.failureSummary),
  }))),
  (error) => done([{id: "axe-error", impact: "critical", nodes: [String(error)]}]),
);
"""


# The elements that reach past the viewport's right edge, to say what makes a page too wide.
PAST_THE_EDGE = """
const width = document.documentElement.clientWidth;
return Array.from(document.querySelectorAll("body *"))
  .filter((e) => e.getBoundingClientRect().right > width + 0.5)
  .slice(-3)
  .map((e) => e.tagName.toLowerCase()
    + (e.className ? "." + String(e.className).split(" ").join(".") : ""));
"""


@dataclass
class Seen:
    widths: dict[str, int] = field(default_factory=dict)
    violations: dict[str, list[dict]] = field(default_factory=dict)
    culprits: dict[str, list[str]] = field(default_factory=dict)


def axe_source() -> str:
    path = Path(os.environ.get("KMPORTAL_TEST_AXE") or AXE)
    if not path.is_file():
        unavailable("axe-core is not installed: scripts/test.sh runs `npm ci` (package-lock.json)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seen(tmp_path_factory, template_database) -> Seen:
    axe = axe_source()
    tmp_path = tmp_path_factory.mktemp("reach")
    shutil.copy(template_database, tmp_path / "reach.sqlite3")
    config = base_config(tmp_path, f"sqlite:///{tmp_path / 'reach.sqlite3'}")
    config["WTF_CSRF_ENABLED"] = True  # the browser signs in through the real form
    app = create_app(config)
    with app.app_context():
        loader.load()
        ids = _some_ids()
        db.session.remove()
    driver = start_browser(WIDTH, 900)
    # A phone's viewport: the layout viewport is 390 CSS pixels whatever the window's minimum.
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    driver.set_script_timeout(30)
    result = Seen()
    try:
        with LiveServer(app) as server:
            for who, language, pages, check in VISITS:
                pages = [page.format(**ids) for page in pages]
                _visit(driver, server.url, who, language, pages, axe if check else None, result)
    finally:
        driver.quit()
        with app.app_context():
            db.engine.dispose()
    return result


def _some_ids() -> dict[str, int]:
    from kmportal.needs.models import Need
    from kmportal.practices.models import Practice
    from kmportal.transfers.models import Transfer

    published = sa.select(Practice.id).where(Practice.state == "published").order_by(Practice.id)
    return {
        "practice": db.session.scalar(published.limit(1)),
        "transfer": db.session.scalar(sa.select(Transfer.id).order_by(Transfer.id).limit(1)),
        "need": db.session.scalar(
            sa.select(Need.id).where(Need.status == "published").order_by(Need.id).limit(1)
        ),
    }


def _visit(driver, url, who, language, pages, axe, result: Seen) -> None:
    driver.delete_all_cookies()
    if language:
        driver.get(f"{url}/language/{language}")
    else:
        driver.get(f"{url}/login")
        driver.find_element(By.ID, "email").send_keys(who)
        driver.find_element(By.ID, "password").send_keys(loader.DEMO_PASSWORD)
        click_and_wait(driver, By.ID, "submit")
        assert driver.find_elements(By.CSS_SELECTOR, "form[action='/logout']"), who
    for page in pages:
        driver.get(url + page)
        key = f"{who} ({language or 'stored language'}) {page}"
        result.widths[key] = driver.execute_script("return document.documentElement.scrollWidth")
        if result.widths[key] > WIDTH:
            result.culprits[key] = driver.execute_script(PAST_THE_EDGE)
        if axe:
            driver.execute_script(axe)
            result.violations[key] = driver.execute_async_script(RUN_AXE)


def test_every_main_page_was_seen_signed_out_and_in(seen):
    assert len(seen.widths) == sum(len(pages) for _, _, pages, _ in VISITS)
    assert len(seen.violations) == sum(len(pages) for _, _, pages, axe in VISITS if axe)
    assert any(key.endswith(" /work") for key in seen.violations)


def test_no_main_page_scrolls_sideways_at_390_px(seen):
    too_wide = {
        key: (width, seen.culprits.get(key)) for key, width in seen.widths.items() if width > WIDTH
    }
    assert too_wide == {}


def test_axe_finds_no_serious_or_critical_violation(seen):
    serious = {
        key: [v for v in found if v["impact"] in ("serious", "critical")]
        for key, found in seen.violations.items()
    }
    assert {key: found for key, found in serious.items() if found} == {}
