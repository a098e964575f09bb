"""NUL characters (found by fuzzing: PostgreSQL cannot take them, psycopg2 raised a 500) are refused
with 400 in the API error shape before any view runs — in the query string, the path and JSON or
form bodies — while ordinary requests pass."""

import json

import pytest


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("get", "/api/v1/mediation/stats/?organisation=%00", None, None),
        ("get", "/api/v1/complaints/?status=open%00x", None, None),
        (
            "post",
            "/api/v1/routing/suggest/",
            json.dumps({"title": "路灯\u0000", "description": "x"}),
            "application/json",
        ),
        ("post", "/submit/", "title=a%00b", "application/x-www-form-urlencoded"),
    ],
)
def test_nul_is_refused_with_400(clients, method, path, body, content_type):
    client = clients["dispatcher"]
    response = client.post(path, body, content_type=content_type) if method == "post" else client.get(path)
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"]


def test_ordinary_requests_pass(clients):
    assert clients["dispatcher"].get("/api/v1/complaints/?status=in_progress").status_code == 200
