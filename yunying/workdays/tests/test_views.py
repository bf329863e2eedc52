"""The working-day page: coverage, warning, calculator (htmx and plain), import, year detail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from yunying.workdays.models import CalendarDay, CalendarYear

from .helpers import YAML_2027

pytestmark = pytest.mark.django_db

PAGE = reverse("workdays:calendar")
IMPORT = reverse("workdays:import")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def html(response: Any) -> str:
    return response.content.decode()


def test_the_page_requires_a_login(anonymous_client: Client) -> None:
    response = anonymous_client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_shows_the_loaded_years(staff_client: Client) -> None:
    response = staff_client.get(PAGE)
    assert response.status_code == 200
    page = html(response)
    assert 'data-testid="coverage"' in page
    assert "2004" in page
    assert reverse("workdays:year", args=[2026]) in page


@time_machine.travel(datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_the_page_warns_when_next_year_is_not_loaded(staff_client: Client) -> None:
    assert 'data-missing-year="2027"' in html(staff_client.get(PAGE))


@time_machine.travel(datetime(2025, 6, 1, 9, 0, tzinfo=SHANGHAI), tick=False)
def test_no_warning_while_this_and_next_year_are_loaded(staff_client: Client) -> None:
    assert "data-missing-year" not in html(staff_client.get(PAGE))


def test_the_calculator_answers_htmx_with_a_fragment(staff_client: Client) -> None:
    params = {"op": "add", "date": "2026-09-30", "n": "3"}
    response = staff_client.get(PAGE, params, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = html(response)
    assert 'data-value="2026-10-10"' in fragment
    assert "<html" not in fragment

    params = {"op": "between", "start": "2026-09-30", "end": "2026-10-10"}
    fragment = html(staff_client.get(PAGE, params, headers={"HX-Request": "true"}))
    assert 'data-value="3"' in fragment


def test_the_calculator_works_without_javascript(staff_client: Client) -> None:
    page = html(staff_client.get(PAGE, {"op": "add", "date": "2026-09-30", "n": "3"}))
    assert "<html" in page
    assert 'data-value="2026-10-10"' in page
    assert 'value="2026-09-30"' in page  # the form keeps what was typed
    assert 'hx-target="#add-result"' in page


def test_the_calculator_names_a_missing_year(staff_client: Client) -> None:
    params = {"op": "add", "date": "2026-12-30", "n": "5"}
    fragment = html(staff_client.get(PAGE, params, headers={"HX-Request": "true"}))
    assert 'data-missing-year="2027"' in fragment
    assert "data-value" not in fragment


def test_the_calculator_shows_input_errors_in_the_fragment(staff_client: Client) -> None:
    params = {"op": "add", "date": "2026-02-30", "n": "3"}
    fragment = html(staff_client.get(PAGE, params, headers={"HX-Request": "true"}))
    assert 'data-testid="calculator-errors"' in fragment
    assert "data-value" not in fragment


def test_staff_see_no_upload_form_and_may_not_import(staff_client: Client) -> None:
    assert 'data-testid="import-form"' not in html(staff_client.get(PAGE))
    upload = SimpleUploadedFile("2027.yaml", YAML_2027.encode())
    assert staff_client.post(IMPORT, {"file": upload}).status_code == 403
    # Refused before the upload is even looked at, not with a form error.
    assert staff_client.post(IMPORT, {}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_operator_imports_a_file_through_the_page(operator_client: Client) -> None:
    assert 'data-testid="import-form"' in html(operator_client.get(PAGE))
    upload = SimpleUploadedFile("2027.yaml", YAML_2027.encode())

    response = operator_client.post(IMPORT, {"file": upload, "source": "页面导入"})

    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert CalendarDay.objects.filter(date__year=2027).count() == 13
    page = html(operator_client.get(PAGE, {"op": "add", "date": "2026-12-30", "n": "5"}))
    assert 'data-value="2027-01-07"' in page


def test_import_problems_are_listed_by_row_on_the_form(operator_client: Client) -> None:
    upload = SimpleUploadedFile(
        "2027.csv", "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n".encode()
    )
    response = operator_client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    page = html(response)
    assert 'data-testid="import-errors"' in page
    assert "<strong>row 3: date</strong>" in page
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_upload_of_unknown_format_asks_for_the_format(operator_client: Client) -> None:
    upload = SimpleUploadedFile("calendar.txt", YAML_2027.encode())
    response = operator_client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert 'data-field="format"' in html(response)
    upload = SimpleUploadedFile("calendar.txt", YAML_2027.encode())
    assert operator_client.post(IMPORT, {"file": upload, "format": "yaml"}).status_code == 302


def test_the_year_page_lists_holidays_and_make_up_days(staff_client: Client) -> None:
    response = staff_client.get(reverse("workdays:year", args=[2026]))
    assert response.status_code == 200
    page = html(response)
    assert "国庆节" in page
    assert "2026-10-01" in page
    assert "2026-10-07" in page
    assert "2026-10-10" in page
    assert staff_client.get(reverse("workdays:year", args=[2027])).status_code == 404


def test_the_missing_year_snippet_names_the_year_and_links_the_calendar() -> None:
    snippet = render_to_string("workdays/_missing_year.html", {"year": 2031})
    assert 'data-missing-year="2031"' in snippet
    assert snippet.count("2031") >= 3
    assert PAGE in snippet
    assert date(2031, 1, 1).year == 2031
