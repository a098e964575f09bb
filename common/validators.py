"""Validators for the official codes the platform handles, and masking of personal data.

Each ``is_valid_*`` is a pure function returning bool; each ``validate_*`` raises Django's
``ValidationError`` with a readable Chinese message so forms, serializers and importers share them.
Rules: DOMAIN.md §3 (grid and component codes) and §5 (GB 32100, GB 11643).
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DIVISION_CODE_RE = re.compile(r"^\d{12}$")
GRID_CODE_RE = re.compile(r"^\d{15}$")
COMPONENT_CODE_RE = re.compile(r"^\d{16}$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
HOTLINE_RE = re.compile(r"^(110|119|120|122|12345|\d{5,6})$")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
USCC_REGISTRATION_AUTHORITIES = set("123456789ANY")


def is_valid_division_code(code: str) -> bool:
    """12-digit statistical division code: 6 county + 3 township + 3 village (GB/T 2260 + 统计用区划代码)."""
    return bool(DIVISION_CODE_RE.match(code or "")) and code[:2] != "00"


def is_valid_grid_code(code: str) -> bool:
    """15-digit unit grid code: 6 district + 3 street + 3 community + 3 sequence (sequence ≥ 001)."""
    return bool(GRID_CODE_RE.match(code or "")) and code[:2] != "00" and code[12:] != "000"


def is_valid_component_code(code: str) -> bool:
    """16-digit component id: 6 district + 2 major class (01–06, 99) + 2 minor class + 6 serial."""
    if not COMPONENT_CODE_RE.match(code or ""):
        return False
    major = int(code[6:8])
    return (1 <= major <= 6 or major == 99) and code[8:10] != "00" and code[10:] != "000000"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(ORG_ALPHABET.index(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def uscc_errors(code: str) -> list[str]:
    """Every reason an 18-character unified social credit code (GB 32100-2015) is invalid; [] if valid."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return [_("统一社会信用代码应为18位")]
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return [_("含有不允许的字符：%(chars)s（不使用 I、O、S、V、Z）") % {"chars": "".join(bad)}]
    errors = []
    if code[0] not in USCC_REGISTRATION_AUTHORITIES:
        errors.append(_("登记管理部门代码无效"))
    if not code[2:8].isdigit():
        errors.append(_("登记管理机关行政区划码应为6位数字"))
    org = code[8:17]
    if all(c in ORG_ALPHABET for c in org[:8]) and org[8] in ORG_ALPHABET + "X":
        if org_code_check_char(org[:8]) != org[8]:
            errors.append(_("组织机构代码校验位错误"))
    else:
        errors.append(_("组织机构代码含有无效字符"))
    if uscc_check_char(code[:17]) != code[17]:
        errors.append(_("统一社会信用代码校验位错误"))
    return errors


def is_valid_uscc(code: str) -> bool:
    return not uscc_errors(code)


def citizen_id_errors(number: str, *, today: date | None = None) -> list[str]:
    """Every reason an 18-character resident ID number (GB 11643-1999) is invalid; [] if valid."""
    number = (number or "").strip().upper()
    if not re.match(r"^\d{17}[\dX]$", number):
        return [_("身份证号应为17位数字加1位数字或X")]
    errors = []
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        errors.append(_("出生日期无效"))
    else:
        if born > (today or date.today()) or born.year < 1880:
            errors.append(_("出生日期无效"))
    total = sum(int(c) * w for c, w in zip(number[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK[total % 11] != number[17]:
        errors.append(_("身份证号校验位错误"))
    return errors


def is_valid_citizen_id(number: str) -> bool:
    return not citizen_id_errors(number)


def is_valid_phone(phone: str) -> bool:
    """A mainland mobile number, a landline with area code, or a short service number."""
    phone = (phone or "").replace(" ", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    return bool(MOBILE_RE.match(phone) or LANDLINE_RE.match(phone) or HOTLINE_RE.match(phone))


def _raise(errors: list[str]):
    if errors:
        raise ValidationError(errors)


def validate_division_code(code: str):
    if not is_valid_division_code(code):
        raise ValidationError(_("区划代码应为12位数字"))


def validate_grid_code(code: str):
    if not is_valid_grid_code(code):
        raise ValidationError(_("网格编码应为15位数字：6位区县+3位街道+3位社区+3位顺序号"))


def validate_component_code(code: str):
    if not is_valid_component_code(code):
        raise ValidationError(_("部件编码应为16位数字：6位区县+2位大类+2位小类+6位流水号"))


def validate_uscc(code: str):
    _raise(uscc_errors(code))


def validate_citizen_id(number: str):
    _raise(citizen_id_errors(number))


def validate_phone(phone: str):
    if not is_valid_phone(phone):
        raise ValidationError(_("电话号码格式不正确"))


def mask_phone(phone: str) -> str:
    """``13812345678`` → ``138****5678``; short numbers keep only their last two digits."""
    phone = phone or ""
    if len(phone) >= 7:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


def mask_id_number(number: str) -> str:
    """``440310199001011234`` → ``440310********1234``."""
    number = number or ""
    if len(number) < 10:
        return "*" * len(number)
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_name(name: str) -> str:
    """``张三丰`` → ``张**``."""
    name = name or ""
    return name[:1] + "*" * (len(name) - 1) if name else ""
