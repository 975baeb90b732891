"""A focal point and the secretariat drive the real forms in headless Chromium."""

import pytest
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from kmportal.auth import service as accounts
from kmportal.auth.models import Role
from kmportal.practices.enums import Criterion
from tests.slow.conftest import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.browser]
PASSWORD = "a long browser password"


def click_and_wait(browser, by, selector):
    """Click something that loads a new page, and wait until the new page has replaced it."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(by, selector).click()
    WebDriverWait(browser, 10).until(lambda _: _replaced(page))


def _replaced(element) -> bool:
    """True once the element's document is gone. Chromium 156 reports a node of a replaced
    document as "does not belong to the document" rather than as a stale reference."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False


def sign_in(browser, url, email):
    browser.get(f"{url}/login?lang=en")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, By.ID, "submit")


def sign_out(browser):
    click_and_wait(browser, By.CSS_SELECTOR, "form[action='/logout'] button")


def fill(browser, field_id, text):
    element = browser.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(text)


def test_focal_point_submits_and_secretariat_publishes(live_app, browser, tmp_path):
    with live_app.app_context():
        accounts.create_user("pf.pe@example.org", "PF Perú", PASSWORD, Role.FOCAL_POINT, "PE", "en")
        accounts.create_user(
            "st@example.org", "Secretaría", PASSWORD, Role.SECRETARIAT, language="en"
        )
    with LiveServer(live_app) as server:
        sign_in(browser, server.url, "pf.pe@example.org")
        browser.get(f"{server.url}/practices/new")
        # An empty title is refused next to the field, and nothing is created.
        click_and_wait(browser, By.ID, "submit")
        assert (
            "This field is required."
            in browser.find_element(By.CSS_SELECTOR, ".field.has-error").text
        )
        # The error summary at the top takes the focus and links to the field.
        focused = browser.switch_to.active_element
        assert "error-summary" in focused.get_attribute("class")
        focused.find_element(By.CSS_SELECTOR, "a[href='#title']").click()
        assert browser.switch_to.active_element.get_attribute("id") == "title"
        fill(browser, "title", "Escuelas rurales libres de trabajo infantil en Cusco")
        fill(browser, "summary", "Jornada escolar completa y transporte para niñas y niños.")
        fill(browser, "description", "Descripción completa de la práctica.")
        fill(browser, "institution", "Ministerio de Trabajo y Promoción del Empleo")
        fill(browser, "population", "Niñas y niños de 6 a 14 años")
        fill(browser, "period_start", "2012")
        fill(browser, "results", "Asistencia escolar del 96 %.")
        fill(browser, "replication", "Red de escuelas rurales.")
        browser.find_element(By.CSS_SELECTOR, "#theme option[value=peti]").click()
        for value in ("sectors-0", "outcomes-0", "actors-0"):
            browser.find_element(By.ID, value).click()
        for criterion in Criterion:
            fill(browser, f"argument_{criterion.value}", f"Cumple: {criterion.value}.")
        click_and_wait(browser, By.ID, "submit")
        assert "Escuelas rurales" in browser.find_element(By.TAG_NAME, "h1").text
        practice_url = browser.current_url
        click_and_wait(browser, By.XPATH, "//button[text()='Submit for validation']")
        assert "Submitted" in browser.find_element(By.CLASS_NAME, "flashes").text
        browser.save_screenshot(str(tmp_path / "submitted.png"))
        sign_out(browser)

        # Anonymous readers do not see the unpublished practice.
        browser.get(practice_url)
        assert "Page not found" in browser.find_element(By.TAG_NAME, "h1").text

        sign_in(browser, server.url, "st@example.org")
        browser.get(practice_url)
        click_and_wait(browser, By.LINK_TEXT, "Validate")
        for criterion in Criterion:
            browser.find_element(
                By.CSS_SELECTOR, f"#v-score_{criterion.value} option[value='3']"
            ).click()
        click_and_wait(browser, By.ID, "v-publish")
        assert "The practice is published." in browser.find_element(By.CLASS_NAME, "flashes").text
        assert "Good practice" in browser.find_element(By.CSS_SELECTOR, ".practice .meta").text
        browser.save_screenshot(str(tmp_path / "published.png"))
        sign_out(browser)

        browser.get(f"{server.url}/practices/?lang=en")
        assert "Escuelas rurales libres" in browser.find_element(By.CLASS_NAME, "cards").text
