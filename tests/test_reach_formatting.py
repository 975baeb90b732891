"""Numbers, decimals and dates formatted by Babel in the page's language, years in four digits."""

import re
from datetime import date, datetime

import pytest
from flask import render_template_string
from flask_babel import refresh

from kmportal.main.formatting import four_digit_years

DAY = date(2026, 3, 7)
MOMENT = datetime(2026, 3, 7, 14, 5)


def render(app, language, source, **values):
    with app.test_request_context(f"/?lang={language}"):
        refresh()  # the app fixture's context is shared: forget the last request's locale
        return render_template_string(source, **values)


@pytest.mark.parametrize(
    ("language", "shown"), [("es", "1,2"), ("pt", "1,2"), ("fr", "1,2"), ("en", "1.2")]
)
def test_decimals_in_the_pages_language(app, language, shown):
    assert render(app, language, "{{ 1.2|decimal }}") == shown


def test_thousands_and_fixed_decimals(app):
    assert render(app, "es", "{{ 1234.5|decimal }}") == "1.234,5"
    assert render(app, "fr", "{{ 1234.5|decimal }}") == "1\u202f234,5"
    assert render(app, "en", "{{ 3|decimal }}") == "3.0"
    assert render(app, "es", "{{ none|decimal }}") == ""


@pytest.mark.parametrize(
    ("language", "shown"),
    [("es", "7/3/2026"), ("pt", "07/03/2026"), ("fr", "07/03/2026"), ("en", "3/7/2026")],
)
def test_short_dates_have_four_digit_years(app, language, shown):
    assert render(app, language, "{{ day|dateformat('short') }}", day=DAY) == shown


def test_short_date_times_have_four_digit_years_and_the_time(app):
    shown = render(app, "es", "{{ moment|datetimeformat('short') }}", moment=MOMENT)
    assert shown.startswith("7/3/2026") and "14:05" in shown


def test_other_widths_and_patterns_are_babels(app):
    assert render(app, "es", "{{ day|dateformat('medium') }}", day=DAY) == "7 mar 2026"
    assert render(app, "pt", "{{ day|dateformat('MMMM yyyy') }}", day=DAY) == "março 2026"
    assert render(app, "fr", "{{ day|dateformat('long') }}", day=DAY) == "7 mars 2026"


def test_a_pattern_keeps_its_quoted_text_and_full_years():
    assert four_digit_years("d/M/yy") == "d/M/yyyy"
    assert four_digit_years("dd/MM/y") == "dd/MM/y"
    assert four_digit_years("yyyy-MM-dd") == "yyyy-MM-dd"
    assert four_digit_years("d 'yy' MMM yy") == "d 'yy' MMM yyyy"


@pytest.mark.parametrize(("language", "separator"), [("es", ","), ("pt", ","), ("en", ".")])
def test_the_dashboards_straight_line_uses_the_languages_decimal_mark(client, language, separator):
    page = client.get(f"/dashboard?lang={language}").get_data(as_text=True)
    figures = re.findall(r'<td class="num">(\d+[.,]\d)</td></tr>', page)
    assert figures and all(separator in figure for figure in figures)


def test_the_revisions_show_four_digit_years_in_spanish(client, auth, focal_co, practices):
    practice = practices.make(focal_co)
    auth.login(focal_co)
    page = client.get(f"/practices/{practice.id}?lang=es").get_data(as_text=True)
    year = datetime.now().year
    assert re.search(rf"<td>\d{{1,2}}/\d{{1,2}}/{year}, \d{{1,2}}:\d\d</td>", page)


@pytest.mark.parametrize(
    ("language", "shown"), [("es", "1.500"), ("fr", "1\u202f500"), ("en", "1,500")]
)
def test_the_dashboards_counts_are_babels_numbers(client, language, shown):
    from kmportal.extensions import db
    from kmportal.reference.models import Target

    for target in db.session.scalars(db.select(Target)):
        target.quantity = 1500
    db.session.commit()
    page = client.get(f"/dashboard?lang={language}").get_data(as_text=True)
    assert f'<span class="of">/ {shown}</span>' in page
