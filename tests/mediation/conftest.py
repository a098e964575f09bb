import pytest

from grids.selectors.calendar import work_calendar_cache_clear
from tests.mediation.factories import mediation_world


@pytest.fixture
def world(db):
    work_calendar_cache_clear()  # another test may have cached a calendar built from loaded days
    return mediation_world()
