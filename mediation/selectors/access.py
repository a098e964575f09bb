"""Who may do what on one case, and who is *inside* it (sees the parties' personal data).

- Mediators of the case's organisation are ``member``; its directors (主任) also ``director``; the
  mediators on the case (active, not recused) are ``mediator``.
- Inside the case: its mediators, the directors of its organisation, the member who registered it
  (and the system). Everyone
  else who may read the case — mediators of a guiding organisation up the ``parent`` chain,
  supervisors, administrators, the command centre for cases converted from complaints — sees the
  parties' personal data masked.
"""

from accounts.models import Role
from mediation.models import CaseMediator, MediationCase, MediationOrganisation, Mediator
from mediation.workflow import SYSTEM_ONLY, CaseRole, allowed_actions

READ_ALL_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
MAX_ORGANISATION_DEPTH = 6


def is_person(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def mediation_reads_all(user) -> bool:
    return is_person(user) and (user.is_superuser or user.role in READ_ALL_ROLES)


def mediator_memberships(user) -> list[Mediator]:
    """The user's active mediator memberships (with their organisations)."""
    if not is_person(user):
        return []
    return list(Mediator.objects.filter(user=user, is_active=True).select_related("organisation"))


def organisation_ancestors(organisation: MediationOrganisation) -> list[int]:
    """Ids of the organisations above ``organisation`` (guiding bodies), nearest first."""
    ids, current, depth = [], organisation, 0
    while current.parent_id is not None and depth < MAX_ORGANISATION_DEPTH:
        ids.append(current.parent_id)
        current = current.parent
        depth += 1
    return ids


def case_actor_roles(*, case: MediationCase, user) -> frozenset[str]:
    """Roles ``user`` holds on ``case`` (None = the system itself)."""
    if user is None:
        return frozenset({CaseRole.SYSTEM})
    if not is_person(user):
        return frozenset()
    roles = set()
    if mediation_reads_all(user):
        roles.add(CaseRole.SUPERVISOR)
    for membership in mediator_memberships(user):
        if membership.organisation_id == case.organisation_id:
            roles.add(CaseRole.MEMBER)
            if membership.is_director:
                roles.add(CaseRole.DIRECTOR)
    if CaseMediator.objects.filter(
        case=case, active=True, mediator__user=user, mediator__is_active=True
    ).exists():
        roles.add(CaseRole.MEDIATOR)
    return frozenset(roles)


def case_inside(*, case: MediationCase, user, roles: frozenset[str] | None = None) -> bool:
    """Whether ``user`` sees the parties' personal data of ``case`` unmasked."""
    roles = case_actor_roles(case=case, user=user) if roles is None else roles
    if roles & {CaseRole.SYSTEM, CaseRole.MEDIATOR, CaseRole.DIRECTOR}:
        return True
    # Who recorded the application already holds what they typed (and registers more parties).
    return CaseRole.MEMBER in roles and case.created_by_id is not None and case.created_by_id == user.pk


def case_allowed_actions_for(*, user, case: MediationCase, roles: frozenset[str] | None = None) -> list[str]:
    """Actions ``user`` may attempt on ``case`` now (table and roles; guards are checked on submit).
    The system's reminder actions are never offered."""
    if not is_person(user):
        return []
    roles = case_actor_roles(case=case, user=user) if roles is None else roles
    return [action for action in allowed_actions(case.status, roles) if action not in SYSTEM_ONLY]
