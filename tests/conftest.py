import os
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The shared data folder; tests that need it skip with a clear message only when it is missing."""
    path = Path(settings.SHARED_DATA_DIR)
    if not (path / "pingshan" / "divisions.csv").exists():
        pytest.skip(f"shared data folder not found at {path}")
    return path


@pytest.fixture
def require_postgres(db):
    """Tests that must run on real PostgreSQL (the test command always provides it)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but the database is not PostgreSQL")
        pytest.skip("needs PostgreSQL: run through `make test`")


@pytest.fixture(autouse=True)
def _fresh_grid_index():
    """The point index lives per process: a rolled-back test must not leave its cells to the next one."""
    from grids.geo import grid_index_invalidate

    grid_index_invalidate()
    yield
    grid_index_invalidate()
