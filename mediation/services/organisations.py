"""Writes of organisations and mediators (administrators, demo data, admin actions)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from grids.models import Unit
from mediation.models import DisputeType, MediationOrganisation, Mediator, MediatorKind, OrganisationKind
from mediation.services import parsing


@transaction.atomic
def organisation_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    parent_code: str | None = None,
    unit_code: str | None = None,
    address: str = "",
    phone: str = "",
) -> tuple[MediationOrganisation, bool]:
    """Create or update the organisation ``code``; returns it and whether it was created."""
    errors: dict[str, list[str]] = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code or len(code) > 32:
        errors["code"] = [_("组织编码必填，不超过32个字符")]
    if not name:
        errors["name"] = [_("必填")]
    if kind not in OrganisationKind.values:
        errors["kind"] = [_("可选值：%(v)s") % {"v": ", ".join(OrganisationKind.values)}]
    parent = MediationOrganisation.objects.filter(code=parent_code).first() if parent_code else None
    if parent_code and parent is None:
        errors["parent"] = [_("上级组织不存在")]
    if parent is not None and parent.code == code:
        errors["parent"] = [_("不能以自身为上级")]
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    if unit_code and unit is None:
        errors["unit"] = [_("依托单位不存在")]
    if errors:
        raise ApplicationError(_("调解组织信息有误"), errors=errors)
    organisation, created = MediationOrganisation.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "parent": parent,
            "unit": unit,
            "address": address,
            "phone": phone,
        },
    )
    return organisation, created


@transaction.atomic
def mediator_upsert(
    *,
    user,
    organisation: MediationOrganisation,
    kind: str = MediatorKind.PART_TIME,
    is_director: bool = False,
    expertise: list[str] | None = None,
    languages: str = "",
    available: bool = True,
    unavailable_until: date | None = None,
    max_caseload: int | None = None,
) -> tuple[Mediator, bool]:
    """Make ``user`` a mediator of ``organisation`` with these attributes; returns it and whether new."""
    expertise = list(expertise or [])
    errors: dict[str, list[str]] = {}
    if kind not in MediatorKind.values:
        errors["kind"] = [_("可选值：%(v)s") % {"v": ", ".join(MediatorKind.values)}]
    wrong = [e for e in expertise if e not in DisputeType.values]
    if wrong:
        errors["expertise"] = [_("未知纠纷类型：%(v)s") % {"v": ", ".join(wrong)}]
    if max_caseload is not None and not 1 <= max_caseload <= 200:
        errors["max_caseload"] = [_("应在1到200之间")]
    if errors:
        raise ApplicationError(_("调解员信息有误"), errors=errors)
    return Mediator.objects.update_or_create(
        user=user,
        organisation=organisation,
        defaults={
            "kind": kind,
            "is_director": is_director,
            "expertise": expertise,
            "languages": languages,
            "available": available,
            "unavailable_until": unavailable_until,
            "max_caseload": max_caseload,
            "is_active": True,
        },
    )


@transaction.atomic
def mediators_availability_set(*, user, available: bool, unavailable_until=None) -> int:
    """The person pauses (``available`` False, optionally until a date) or resumes taking cases, in every
    organisation they mediate for; returns how many memberships changed. A pause date must not be past."""
    until = parsing.day(unavailable_until, "unavailable_until", required=False)
    if until is not None and until < timezone.localdate():
        parsing.bad("unavailable_until", _("日期不能早于今天"))
    if available:
        values = {"available": True, "unavailable_until": None}
    elif until is not None:  # paused until that day: takes cases again afterwards without a new step
        values = {"available": True, "unavailable_until": until}
    else:
        values = {"available": False, "unavailable_until": None}
    return Mediator.objects.filter(user=user, is_active=True).update(**values, updated_at=timezone.now())
