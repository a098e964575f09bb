"""The OpenAPI document is complete: generated without a warning and valid against the OpenAPI spec."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_schema_generates_without_warnings_and_validates(tmp_path):
    # --fail-on-warn turns any unresolved type, operation-id collision or guess into an error.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yml"),
        stderr=StringIO(),
    )
    text = (tmp_path / "schema.yml").read_text(encoding="utf-8")
    assert "/api/v1/complaints/" in text and "PaginatedCreditRecordList" in text
