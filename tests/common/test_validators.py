"""Every code validator against real valid codes and crafted invalid ones (DOMAIN.md §3, §5)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from common import validators as v


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("91110000600037341L", True),  # a real unified social credit code
        ("9144030071526726XG", True),  # Shenzhen, real
        ("91350203M0001QAY9B", False),  # a real code that fails its check (needs the audited override)
        ("91110000600037341K", False),  # wrong check character
        ("9111000060003734IL", False),  # I is not in the alphabet
        ("91110000600037341", False),  # 17 characters
        ("", False),
    ],
)
def test_unified_social_credit_code(code, valid):
    assert v.is_valid_uscc(code) is valid


def test_uscc_reports_the_failing_part():
    assert v.uscc_errors("91350203M0001QAY9B") == ["统一社会信用代码校验位错误"]
    assert "登记管理部门代码无效" in v.uscc_errors("B1110000600037341L")


def test_uscc_check_character_computation_matches_the_standard_weights():
    assert v.USCC_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert v.uscc_check_char("91110000600037341") == "L"


def test_embedded_organisation_code_check_is_verified():
    # Same outer check character recomputed, but the organisation code's own check (position 17) broken.
    body = "91110000600037342"
    code = body + v.uscc_check_char(body)
    assert "组织机构代码校验位错误" in v.uscc_errors(code)


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("11010519491231002X", True),  # the standard's own example
        ("440524188001010014", True),
        ("110105194912310021", False),  # wrong check digit
        ("11010519491331002X", False),  # month 13
        ("11010520991231002X", False),  # born in the future
        ("1101051949123100", False),
    ],
)
def test_citizen_id(number, valid):
    assert v.is_valid_citizen_id(number) is valid


def test_citizen_id_in_the_future_relative_to_today():
    assert v.citizen_id_errors("110105202611250018", today=date(2026, 1, 1))


@pytest.mark.parametrize(
    ("code", "valid"),
    [("440310001001", True), ("44031000100", False), ("44031000100A", False), ("000000000000", False)],
)
def test_division_code(code, valid):
    assert v.is_valid_division_code(code) is valid


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("440310001001001", True),
        ("440310001001000", False),
        ("4403100010010011", False),
        ("44031000100100A", False),
    ],
)
def test_grid_code(code, valid):
    assert v.is_valid_grid_code(code) is valid


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("3205080101000001", True),  # DOMAIN.md example: water-supply manhole cover
        ("3205080701000001", False),  # major class 07 does not exist
        ("3205080100000001", False),  # minor class 00
        ("320508010100001", False),
    ],
)
def test_component_code(code, valid):
    assert v.is_valid_component_code(code) is valid


@pytest.mark.parametrize(
    ("phone", "valid"),
    [
        ("13812345678", True),
        ("+8613812345678", True),
        ("0755-28331234", True),
        ("12345", True),
        ("1381234567", False),
    ],
)
def test_phone(phone, valid):
    assert v.is_valid_phone(phone) is valid


def test_validate_functions_raise_readable_errors():
    with pytest.raises(ValidationError, match="15位"):
        v.validate_grid_code("123")
    with pytest.raises(ValidationError, match="校验位"):
        v.validate_citizen_id("110105194912310021")
    v.validate_uscc("91110000600037341L")


def test_masking():
    assert v.mask_phone("13812345678") == "138****5678"
    assert v.mask_id_number("11010519491231002X") == "110105********002X"
    assert v.mask_name("张三丰") == "张**"
    assert v.mask_phone("") == ""
