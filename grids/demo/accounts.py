"""Demo accounts of API.md ("Demo data"), all with the password ``demo-pass-2026``.

Runs after the units, grid cells and matters are loaded: one handler ``h-<unit code>`` and one leader
``lead-<unit code>`` for every unit, one grid worker ``grid-<grid code>`` for every grid cell, and the
fixed accounts. Idempotent and fast: users are bulk-created with one shared password hash, and
memberships and leader permissions are ensured in bulk.
"""

from django.db import transaction

from accounts.models import Role
from accounts.selectors import users_by_username
from accounts.services import UserSpec, users_ensure
from grids.demo.unit_codes import CENTRE_CODE
from grids.models import GridCell, Unit, UnitRole
from grids.services.units import unit_memberships_ensure

DEMO_PASSWORD = "demo-pass-2026"

FIXED_ACCOUNTS = [
    UserSpec("admin", Role.ADMIN, "系统管理员", is_staff=True, is_superuser=True),
    UserSpec("dispatcher", Role.DISPATCHER, "指挥中心派单员"),
    UserSpec("operator", Role.OPERATOR, "热线话务员"),
    UserSpec("supervisor", Role.SUPERVISOR, "区督查员"),
    UserSpec("citizen1", Role.CITIZEN, "市民一"),
    UserSpec("citizen2", Role.CITIZEN, "市民二"),
    UserSpec("mediator1", Role.MEDIATOR, "人民调解员"),
    UserSpec("credit1", Role.CREDIT_OFFICER, "信用管理员"),
]

# (username, unit code, unit role) of the fixed accounts that belong to a unit.
FIXED_MEMBERSHIPS = [
    ("dispatcher", CENTRE_CODE, UnitRole.DISPATCHER),
    ("operator", CENTRE_CODE, UnitRole.MEMBER),
]


def handler_username(unit_code: str) -> str:
    return f"h-{unit_code}"


def leader_username(unit_code: str) -> str:
    return f"lead-{unit_code}"


def grid_worker_username(grid_code: str) -> str:
    return f"grid-{grid_code}"


@transaction.atomic
def demo_accounts_load() -> dict:
    """Create or update the demo accounts; a second run creates nothing.

    Returns counts: ``users`` (described), ``created``, ``updated``, ``passwords_reset``,
    ``memberships_created``, ``grid_workers_added``.
    """
    units = list(Unit.objects.order_by("code").only("code", "name"))
    cells = list(GridCell.objects.order_by("code").only("code", "name"))
    specs = list(FIXED_ACCOUNTS)
    for unit in units:
        specs.append(UserSpec(handler_username(unit.code), Role.HANDLER, f"{unit.name}经办人"))
        specs.append(UserSpec(leader_username(unit.code), Role.LEADER, f"{unit.name}负责人"))
    for cell in cells:
        specs.append(UserSpec(grid_worker_username(cell.code), Role.GRID_WORKER, f"{cell.name}网格员"[:64]))
    user_counts = users_ensure(specs=specs, password=DEMO_PASSWORD)
    users = users_by_username(spec.username for spec in specs)

    units_by_code = {unit.code: unit for unit in units}
    memberships = [
        (users[username], units_by_code[code], role)
        for username, code, role in FIXED_MEMBERSHIPS
        if code in units_by_code
    ]
    for unit in units:
        memberships.append((users[handler_username(unit.code)], unit, UnitRole.HANDLER))
        memberships.append((users[leader_username(unit.code)], unit, UnitRole.LEADER))
    membership_counts = unit_memberships_ensure(memberships=memberships)

    # Grid workers: the territory's own services do not cover worker assignment, so the loader adds
    # the missing through-rows itself (ignore_conflicts keeps a re-run from duplicating them).
    through = GridCell.workers.through
    existing = set(through.objects.filter(gridcell__in=cells).values_list("gridcell_id", "user_id"))
    new_links = [
        through(gridcell_id=cell.pk, user_id=users[grid_worker_username(cell.code)].pk)
        for cell in cells
        if (cell.pk, users[grid_worker_username(cell.code)].pk) not in existing
    ]
    through.objects.bulk_create(new_links, ignore_conflicts=True)

    return {
        "users": len(specs),
        "created": user_counts["created"],
        "updated": user_counts["updated"],
        "passwords_reset": user_counts["passwords_reset"],
        "memberships_created": membership_counts["created"],
        "grid_workers_added": len(new_links),
    }
