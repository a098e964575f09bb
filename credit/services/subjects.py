"""Registering credit subjects: code validation in context, the audited override, grid placement."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, PermissionDeniedError
from common.validators import USCC_ALPHABET, citizen_id_errors, mask_name, uscc_errors
from credit.identity import code_normalize, id_number_lookup_key, id_number_masked
from credit.models import CreditSubject, SubjectCodeOverride, SubjectKind
from credit.selectors.access import credit_actor
from credit.services.events import credit_event_write
from grids.geo import grid_for_point
from grids.models import GridCell

OVERRIDE_REASON_MIN_LENGTH = 10


def _uscc_checksum_only(code: str) -> bool:
    """True when a code has the right shape, so its errors are check characters an officer may override."""
    return len(code) == 18 and all(c in USCC_ALPHABET for c in code)


def _grid_resolve(*, grid_code: str | None, lat, lng, errors: dict) -> GridCell | None:
    if grid_code:
        cell = GridCell.objects.filter(code=grid_code).first()
        if cell is None:
            errors["grid"] = [_("网格不存在：%(code)s") % {"code": grid_code}]
        return cell
    if lat is None or lng is None:
        return None
    try:
        hit = grid_for_point(float(lat), float(lng))
    except (TypeError, ValueError):
        errors["location"] = [_("经纬度应为数字")]
        return None
    return GridCell.objects.filter(pk=hit.grid_id).first() if hit else None


def _legal_code_check(*, code: str, override_reason: str, actor, errors: dict) -> list[str]:
    """The USCC errors being overridden ([] when the code is valid); fills ``errors`` when refused."""
    code_errors = uscc_errors(code)
    if not code_errors:
        return []
    if not override_reason or not _uscc_checksum_only(code):
        hint = [_("如确认该代码真实有效（如早期赋码），信用管理员可填写核实说明后登记")]
        errors["code"] = code_errors + (hint if _uscc_checksum_only(code) else [])
        return code_errors
    if not credit_actor(actor).is_officer:
        raise PermissionDeniedError(_("只有信用管理员可以豁免代码校验"))
    if len(override_reason.strip()) < OVERRIDE_REASON_MIN_LENGTH:
        errors["override_reason"] = [_("请写明核实情况（至少10个字）")]
    return code_errors


@transaction.atomic
def subject_create(
    *,
    kind: str,
    code: str,
    name: str,
    actor,
    legal_representative: str = "",
    industry: str = "",
    address: str = "",
    grid_code: str | None = None,
    lat: float | None = None,
    lng: float | None = None,
    override_reason: str = "",
    accounts: Iterable = (),
) -> CreditSubject:
    """Register a subject. ``actor`` None is the system (another app's fact); otherwise an agency.

    A legal person's code must pass GB 32100 in full; a code of the right shape that fails its check
    characters is accepted only with ``override_reason`` from a credit officer, audited as a
    ``SubjectCodeOverride``. A natural person's ID number must pass GB 11643 and is kept only masked
    and hashed.
    """
    if actor is not None and not credit_actor(actor).is_agency:
        raise PermissionDeniedError(_("只有信用管理员和职能部门可以登记信用主体"))
    code = code_normalize(code)
    name = (name or "").strip()
    override_reason = (override_reason or "").strip()
    errors: dict[str, list[str]] = {}
    overridden: list[str] = []
    if kind == SubjectKind.LEGAL:
        overridden = _legal_code_check(code=code, override_reason=override_reason, actor=actor, errors=errors)
        lookup_key, shown, region = code, code, code[2:8]
    elif kind == SubjectKind.NATURAL:
        id_errors = citizen_id_errors(code)
        if id_errors:
            errors["code"] = id_errors
        lookup_key, shown, region = id_number_lookup_key(code), id_number_masked(code), code[:6]
    else:
        raise ApplicationError(_("主体类型无效"), errors={"kind": [_("应为 legal 或 natural")]})
    if not name:
        errors["name"] = [_("请填写名称")]
    elif len(name) > 200:
        errors["name"] = [_("名称不超过200字")]
    grid = _grid_resolve(grid_code=grid_code, lat=lat, lng=lng, errors=errors)
    if not errors and CreditSubject.objects.filter(lookup_key=lookup_key).exists():
        errors["code"] = [_("该主体已登记")]
    if errors:
        raise ApplicationError(_("信用主体信息有误"), errors=errors)

    subject = CreditSubject.objects.create(
        kind=kind,
        lookup_key=lookup_key,
        code=shown,
        name=name,
        legal_representative=(legal_representative or "").strip()[:64],
        region_code=region if region.isdigit() else "",
        industry=(industry or "").strip()[:64],
        address=(address or "").strip()[:200],
        grid=grid,
        code_overridden=bool(overridden),
    )
    if accounts:
        subject.accounts.set(list(accounts))
    shown_name = name if kind == SubjectKind.LEGAL else mask_name(name)
    credit_event_write(action="subject_create", actor=actor, subject=subject, note=shown_name)
    if overridden:
        SubjectCodeOverride.objects.create(
            subject=subject, code=code, errors=overridden, reason=override_reason, actor=actor
        )
        credit_event_write(
            action="code_override",
            actor=actor,
            subject=subject,
            note=override_reason,
            data={"code": code, "errors": overridden},
        )
    return subject
