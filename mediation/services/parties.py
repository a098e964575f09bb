"""Parties of a case: validation of what a client sends, and storing them.

- A natural person's ID number (GB 11643) is validated when given; it fixes the sex and the birth date
  (a contradicting sex is an error). Before an agreement, every person must have one (a guard).
- An enterprise needs a valid unified social credit code (GB 32100).
- A group of workers (labour disputes only) has at least ``GROUP_MIN_WORKERS`` members and acts
  through 1..``GROUP_MAX_REPRESENTATIVES`` elected representatives, each a person with an ID number.
Error keys name the field inside the list: ``parties.1.id_number``, ``parties.0.representatives.2.name``.
"""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError
from common.validators import citizen_id_errors, is_valid_phone, uscc_errors
from mediation.conf import mediation_setting
from mediation.models import DisputeType, MediationCase, Party, PartyKind, PartyRole, Sex
from mediation.services import parsing

PERSON_FIELDS = ("ethnicity", "occupation", "address")


def _person(data: dict, prefix: str, errors: dict, *, today: date, id_required: bool) -> dict:
    clean = {
        "name": data.get("name"),
        "sex": str(data.get("sex") or "").strip(),
        "id_number": str(data.get("id_number") or "").strip().upper(),
        "phone": str(data.get("phone") or "").strip().replace(" ", ""),
        "birth_date": None,
    }
    for key, limit in (("ethnicity", 16), ("occupation", 64), ("address", 255)):
        clean[key] = str(data.get(key) or "").strip()[:limit]
    if clean["sex"] and clean["sex"] not in Sex.values:
        errors[f"{prefix}sex"] = [_("性别应为 male 或 female")]
    if clean["id_number"]:
        problems = citizen_id_errors(clean["id_number"], today=today)
        if problems:
            errors[f"{prefix}id_number"] = problems
        else:
            derived = Sex.MALE if int(clean["id_number"][16]) % 2 else Sex.FEMALE
            if clean["sex"] and clean["sex"] != derived:
                errors[f"{prefix}sex"] = [_("性别与身份证号不符")]
            clean["sex"] = derived
            number = clean["id_number"]
            clean["birth_date"] = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    elif id_required:
        errors[f"{prefix}id_number"] = [_("必填")]
    elif data.get("birth_date"):
        try:
            clean["birth_date"] = parsing.day(data.get("birth_date"), f"{prefix}birth_date")
        except ApplicationError as exc:
            errors.update(exc.errors)
    if clean["phone"] and not is_valid_phone(clean["phone"]):
        errors[f"{prefix}phone"] = [_("电话号码格式不正确")]
    return clean


def party_clean(data, *, index: int, dispute_type: str, today: date | None = None) -> dict:
    """A validated party (with ``representatives`` for a group) or ApplicationError (400) naming every
    wrong field."""
    prefix = f"parties.{index}."
    if not isinstance(data, dict):
        raise ApplicationError(_("当事人信息有误"), errors={f"parties.{index}": [_("应为对象")]})
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    role = str(data.get("role") or "").strip()
    kind = str(data.get("kind") or PartyKind.PERSON).strip()
    name = str(data.get("name") or "").strip()
    if role not in PartyRole.values:
        errors[f"{prefix}role"] = [_("可选值：%(v)s") % {"v": ", ".join(PartyRole.values)}]
    if kind not in PartyKind.values:
        errors[f"{prefix}kind"] = [_("可选值：%(v)s") % {"v": ", ".join(PartyKind.values)}]
    if not name:
        errors[f"{prefix}name"] = [_("必填")]
    elif len(name) > 128:
        errors[f"{prefix}name"] = [_("不能超过128个字")]
    clean = {"role": role, "kind": kind, "name": name, "representatives": []}
    if kind == PartyKind.PERSON:
        clean.update(_person(data, prefix, errors, today=today, id_required=False))
        clean["name"] = name
    elif kind == PartyKind.ENTERPRISE:
        code = str(data.get("credit_code") or "").strip().upper()
        problems = uscc_errors(code) if code else [_("必填")]
        if problems:
            errors[f"{prefix}credit_code"] = problems
        phone = str(data.get("phone") or "").strip().replace(" ", "")
        if phone and not is_valid_phone(phone):
            errors[f"{prefix}phone"] = [_("电话号码格式不正确")]
        clean.update(
            credit_code=code,
            phone=phone,
            address=str(data.get("address") or "").strip()[:255],
            legal_representative=str(data.get("legal_representative") or "").strip()[:64],
        )
    elif kind == PartyKind.GROUP:
        _group(data, prefix, clean, errors, dispute_type=dispute_type, today=today)
    if errors:
        raise ApplicationError(_("当事人信息有误"), errors=errors)
    return clean


def _group(data: dict, prefix: str, clean: dict, errors: dict, *, dispute_type: str, today: date) -> None:
    minimum = int(mediation_setting("GROUP_MIN_WORKERS"))
    maximum = int(mediation_setting("GROUP_MAX_REPRESENTATIVES"))
    if dispute_type != DisputeType.LABOUR:
        errors[f"{prefix}kind"] = [_("只有劳动争议可以由劳动者推举代表参加调解")]
    try:
        size = int(str(data.get("group_size") or "0").strip())
    except ValueError:
        size = 0
    if size < minimum:
        errors[f"{prefix}group_size"] = [_("劳动者一方在%(n)d人以上的，方可推举代表") % {"n": minimum}]
    representatives = data.get("representatives") or []
    if not isinstance(representatives, list) or not 1 <= len(representatives) <= maximum:
        errors[f"{prefix}representatives"] = [_("应推举1至%(n)d名代表") % {"n": maximum}]
        representatives = representatives if isinstance(representatives, list) else []
    clean["group_size"] = size
    for i, item in enumerate(representatives[:maximum]):
        rep_prefix = f"{prefix}representatives.{i}."
        item = item if isinstance(item, dict) else {}
        rep = _person(item, rep_prefix, errors, today=today, id_required=True)
        rep["name"] = str(item.get("name") or "").strip()[:128]
        if not rep["name"]:
            errors[f"{rep_prefix}name"] = [_("必填")]
        clean["representatives"].append(rep)


UPDATABLE = (
    "name",
    "sex",
    "ethnicity",
    "birth_date",
    "occupation",
    "id_number",
    "phone",
    "address",
    "credit_code",
    "legal_representative",
)


def party_update_clean(party: Party, fields, *, dispute_type: str) -> dict:
    """The party's stored data with ``fields`` applied, validated like a new party (400 otherwise).
    A group's own row is not edited here: its representatives are."""
    if not isinstance(fields, dict) or not fields:
        raise ApplicationError(_("参数有误"), errors={"fields": [_("应为要补正的字段")]})
    if party.kind == PartyKind.GROUP:
        raise ApplicationError(_("参数有误"), errors={"party": [_("劳动者群体请补正其代表的信息")]})
    unknown = sorted(set(fields) - set(UPDATABLE))
    if unknown:
        raise ApplicationError(
            _("参数有误"), errors={"fields": [_("不能修改：%(f)s") % {"f": ", ".join(unknown)}]}
        )
    current = {key: getattr(party, key) for key in UPDATABLE}
    current["birth_date"] = party.birth_date.isoformat() if party.birth_date else ""
    data = {**current, **fields, "role": party.role, "kind": party.kind}
    if party.kind == PartyKind.PERSON and "id_number" in fields and "sex" not in fields:
        data["sex"] = ""  # derived again from the corrected ID number
    clean = party_clean(data, index=0, dispute_type=dispute_type)
    return {key: clean[key] for key in UPDATABLE if key in clean}


def parties_clean(items, *, dispute_type: str, require_both_sides: bool = True) -> list[dict]:
    """Validate a list of parties; with ``require_both_sides`` at least one applicant and one respondent."""
    if not isinstance(items, list) or not items:
        raise ApplicationError(_("当事人信息有误"), errors={"parties": [_("至少应有一名当事人")]})
    errors: dict[str, list[str]] = {}
    cleaned = []
    for index, item in enumerate(items):
        try:
            cleaned.append(party_clean(item, index=index, dispute_type=dispute_type))
        except ApplicationError as exc:
            errors.update(exc.errors)
    if require_both_sides and not errors:
        roles = {p["role"] for p in cleaned}
        if not {PartyRole.APPLICANT, PartyRole.RESPONDENT} <= roles:
            errors["parties"] = [_("应至少有一名申请人和一名被申请人")]
    if errors:
        raise ApplicationError(_("当事人信息有误"), errors=errors)
    return cleaned


def parties_store(*, case: MediationCase, parties: list[dict]) -> list[Party]:
    """Store cleaned parties (and the representatives of groups). Runs in the caller's transaction."""
    stored = []
    for data in parties:
        representatives = data.pop("representatives", [])
        party = Party.objects.create(case=case, **data)
        stored.append(party)
        for rep in representatives:
            Party.objects.create(
                case=case, role=party.role, kind=PartyKind.PERSON, representative_of=party, **rep
            )
    return stored
