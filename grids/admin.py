"""Admin screens, one module per sub-domain."""

from grids.admin_calendar import *  # noqa: F403
from grids.admin_territory import *  # noqa: F403
from grids.admin_units import *  # noqa: F403
