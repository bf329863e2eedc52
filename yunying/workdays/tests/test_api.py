"""REST API: the two calculations, their errors, the years, and the OpenAPI description."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ADD = "/api/workdays/add/"
BETWEEN = "/api/workdays/between/"
YEARS = "/api/workdays/years/"


def test_add_returns_the_date_n_working_days_later(staff_client: Client) -> None:
    response = staff_client.get(ADD, {"date": "2026-09-30", "n": 3})
    assert response.status_code == 200
    assert response.json() == {"date": "2026-09-30", "n": 3, "result": "2026-10-10"}


def test_between_returns_the_count(staff_client: Client) -> None:
    response = staff_client.get(BETWEEN, {"start": "2026-09-30", "end": "2026-10-10"})
    assert response.status_code == 200
    assert response.json() == {"start": "2026-09-30", "end": "2026-10-10", "result": 3}


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (ADD, {"date": "2026-12-30", "n": 5}),
        (BETWEEN, {"start": "2026-12-01", "end": "2027-01-10"}),
    ],
)
def test_a_missing_year_is_a_409_naming_the_year(
    staff_client: Client, url: str, params: dict[str, Any]
) -> None:
    response = staff_client.get(url, params)
    assert response.status_code == 409
    body = response.json()
    assert body["missing_year"] == 2027
    assert "2027" in body["detail"]


@pytest.mark.parametrize(
    ("url", "params", "fields"),
    [
        (ADD, {"date": "2026-02-30", "n": 3}, {"date"}),
        (ADD, {"date": "2026-09-30", "n": "three"}, {"n"}),
        (ADD, {"date": "2026-09-30", "n": 100000}, {"n"}),
        (ADD, {}, {"date", "n"}),
        (BETWEEN, {"start": "2026-09-30"}, {"end"}),
        (BETWEEN, {"start": "yesterday", "end": "2026-09-30"}, {"start"}),
    ],
)
def test_bad_parameters_are_a_400_with_messages_per_parameter(
    staff_client: Client, url: str, params: dict[str, Any], fields: set[str]
) -> None:
    response = staff_client.get(url, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == fields
    assert all(isinstance(body[f], list) and body[f] for f in fields)


def test_the_api_requires_a_login(anonymous_client: Client) -> None:
    assert anonymous_client.get(ADD, {"date": "2026-09-30", "n": 3}).status_code in {401, 403}
    assert anonymous_client.get(YEARS).status_code in {401, 403}


def test_years_are_listed_with_their_days_in_a_fixed_number_of_queries(
    staff_client: Client, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        response = staff_client.get(YEARS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 23
    assert [row["year"] for row in body["results"]][:2] == [2004, 2005]
    assert all(len(row["days"]) == row["day_count"] for row in body["results"])


def test_one_year_is_retrieved_by_its_number(staff_client: Client) -> None:
    response = staff_client.get(f"{YEARS}2026/")
    assert response.status_code == 200
    body = response.json()
    makeup = [d["date"] for d in body["days"] if d["kind"] == "makeup_workday"]
    assert makeup == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]
    assert {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"} in body["days"]
    assert staff_client.get(f"{YEARS}2027/").status_code == 404


def test_the_years_are_read_only(operator_client: Client) -> None:
    assert operator_client.post(YEARS, {"year": 2027}).status_code == 405
    assert operator_client.delete(f"{YEARS}2026/").status_code == 405


def test_the_openapi_description_documents_the_parameters(staff_client: Client) -> None:
    response = staff_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    add_parameters = {p["name"] for p in paths["/api/workdays/add/"]["get"]["parameters"]}
    assert add_parameters == {"date", "n"}
    assert "409" in paths["/api/workdays/add/"]["get"]["responses"]
    between = {p["name"] for p in paths["/api/workdays/between/"]["get"]["parameters"]}
    assert between == {"start", "end"}
