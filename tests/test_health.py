def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "degraded"}


def test_test_suite_runs_on_postgresql_and_redis(db, settings):
    """The test command provides real PostgreSQL and Redis; a silent fallback to SQLite would hide bugs."""
    import os

    from django.db import connection

    if os.environ.get("REQUIRE_POSTGRES"):
        assert connection.vendor == "postgresql"
        assert settings.REDIS_URL.startswith("redis://")
