"""Who the caller is to the credit ledger, computed in one place.

- Credit officers and administrators (``is_officer``) write anything and review repairs.
- Supervisors read everything and write nothing.
- A member of a unit is that unit's "department": it records and sees the internal data of its own
  records (``department_ids``), and may query grades, lists and joint measures (``is_agency``).
- Everyone else, signed in or not, is the public: only what is public now.
"""

from dataclasses import dataclass

from accounts.models import Role
from grids.selectors.units import units_of_user

OFFICER_ROLES = frozenset({Role.CREDIT_OFFICER, Role.ADMIN})
READ_ALL_ROLES = OFFICER_ROLES | {Role.SUPERVISOR}


@dataclass(frozen=True)
class CreditActor:
    user: object | None
    authenticated: bool
    is_officer: bool
    reads_all: bool
    department_ids: frozenset[int]

    @property
    def is_agency(self) -> bool:
        """May see grades, the credit map and query joint measures: officers, supervisors, departments."""
        return self.reads_all or bool(self.department_ids)

    def in_department(self, unit_id: int | None) -> bool:
        return unit_id is not None and unit_id in self.department_ids


PUBLIC = CreditActor(None, False, False, False, frozenset())


def credit_actor(user) -> CreditActor:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return PUBLIC
    is_officer = user.is_superuser or user.role in OFFICER_ROLES
    return CreditActor(
        user=user,
        authenticated=True,
        is_officer=is_officer,
        reads_all=is_officer or user.role in READ_ALL_ROLES,
        department_ids=frozenset(units_of_user(user).values_list("pk", flat=True)),
    )
