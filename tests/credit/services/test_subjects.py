"""Registering subjects: GB 32100 and GB 11643 in context, the audited override, masked persons."""

import pytest

from common.exceptions import ApplicationError, PermissionDeniedError
from credit.identity import id_number_lookup_key
from credit.models import CreditEvent, CreditSubject, SubjectCodeOverride, SubjectKind
from credit.selectors.subjects import subject_get_by_code, subject_lookup
from credit.services.subjects import subject_create
from tests.credit.conftest import citizen_id_make

pytestmark = pytest.mark.django_db

# Real, published codes (national enterprise credit publicity system).
REAL_VALID = ["91440300708461136T", "914403001922038216", "91440300192317458F"]
KNOWN_FAILING_REAL = "91350203M0001QAY9B"  # real, but fails the check character (DOMAIN.md §5)


@pytest.mark.parametrize("code", REAL_VALID)
def test_real_valid_codes_register(code, officer):
    subject = subject_create(kind=SubjectKind.LEGAL, code=code.lower(), name="某公司", actor=officer)
    assert subject.code == code
    assert subject.region_code == "440300"
    assert subject.code_overridden is False


@pytest.mark.parametrize(
    ("code", "field_error"),
    [
        ("91440300708461136U", "校验位"),  # check character changed
        ("9144030070846113IT", "不允许的字符"),
        ("91440300708461136", "18位"),
        ("91440300708461146T", "组织机构代码校验位"),  # a digit of the organisation code changed
    ],
)
def test_invalid_codes_are_refused_with_the_reason(code, field_error, officer):
    with pytest.raises(ApplicationError) as caught:
        subject_create(kind=SubjectKind.LEGAL, code=code, name="某公司", actor=officer)
    assert caught.value.status == 400
    assert any(field_error in message for message in caught.value.errors["code"])
    assert not CreditSubject.objects.exists()


def test_known_failing_real_code_needs_an_override(officer):
    with pytest.raises(ApplicationError) as caught:
        subject_create(kind=SubjectKind.LEGAL, code=KNOWN_FAILING_REAL, name="厦门某公司", actor=officer)
    assert any("信用管理员" in message for message in caught.value.errors["code"])


def test_override_is_audited_with_who_when_and_why(officer):
    reason = "经核对营业执照原件及登记机关系统，该代码为早期赋码，真实有效"
    subject = subject_create(
        kind=SubjectKind.LEGAL,
        code=KNOWN_FAILING_REAL,
        name="厦门某公司",
        actor=officer,
        override_reason=reason,
    )
    assert subject.code_overridden is True
    override = SubjectCodeOverride.objects.get(subject=subject)
    assert (override.actor, override.reason, override.code) == (officer, reason, KNOWN_FAILING_REAL)
    assert override.errors == ["统一社会信用代码校验位错误"]
    assert override.created_at is not None
    event = CreditEvent.objects.get(subject=subject, action="code_override")
    assert event.actor == officer and event.note == reason


def test_only_officers_may_override(dept_user):
    with pytest.raises(PermissionDeniedError):
        subject_create(
            kind=SubjectKind.LEGAL,
            code=KNOWN_FAILING_REAL,
            name="厦门某公司",
            actor=dept_user,
            override_reason="本部门认为该代码真实有效，请予登记",
        )


def test_override_never_covers_a_malformed_code(officer):
    with pytest.raises(ApplicationError) as caught:
        subject_create(
            kind=SubjectKind.LEGAL,
            code=KNOWN_FAILING_REAL[:-1],  # 17 characters: not a code at all
            name="某公司",
            actor=officer,
            override_reason="申请豁免但代码长度本身有误，不应登记",
        )
    assert caught.value.errors["code"] == ["统一社会信用代码应为18位"]
    assert not SubjectCodeOverride.objects.exists()


def test_override_reason_must_say_something(officer):
    with pytest.raises(ApplicationError) as caught:
        subject_create(
            kind=SubjectKind.LEGAL,
            code=KNOWN_FAILING_REAL,
            name="厦门某公司",
            actor=officer,
            override_reason="有效",
        )
    assert "override_reason" in caught.value.errors


def test_citizens_cannot_register_subjects(citizen):
    with pytest.raises(PermissionDeniedError):
        subject_create(kind=SubjectKind.LEGAL, code=REAL_VALID[0], name="某公司", actor=citizen)


def test_natural_person_is_stored_masked_and_found_by_hash(officer):
    number = citizen_id_make(3)
    subject = subject_create(kind=SubjectKind.NATURAL, code=number, name="李四", actor=officer)
    subject.refresh_from_db()
    assert subject.code == f"{number[:6]}********{number[-4:]}"
    assert subject.lookup_key == id_number_lookup_key(number)
    stored = " ".join(str(v) for v in CreditSubject.objects.filter(pk=subject.pk).values_list().get())
    assert number not in stored
    assert subject_get_by_code(number.lower()) == subject
    assert list(subject_lookup(q=number)) == [subject]


def test_invalid_id_number_is_refused(officer):
    number = citizen_id_make(3)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ApplicationError) as caught:
        subject_create(kind=SubjectKind.NATURAL, code=wrong, name="李四", actor=officer)
    assert any("校验位" in message for message in caught.value.errors["code"])


def test_public_lookup_finds_persons_only_by_full_number(officer):
    subject_create(kind=SubjectKind.NATURAL, code=citizen_id_make(5), name="王五", actor=officer)
    subject_create(kind=SubjectKind.LEGAL, code=REAL_VALID[0], name="王五科技有限公司", actor=officer)
    assert [s.kind for s in subject_lookup(q="王五")] == [SubjectKind.LEGAL]
    assert {s.kind for s in subject_lookup(q="王五", user=officer)} == {
        SubjectKind.LEGAL,
        SubjectKind.NATURAL,
    }


def test_duplicate_subject_is_refused(officer):
    subject_create(kind=SubjectKind.LEGAL, code=REAL_VALID[1], name="华为", actor=officer)
    with pytest.raises(ApplicationError) as caught:
        subject_create(kind=SubjectKind.LEGAL, code=REAL_VALID[1], name="华为", actor=officer)
    assert caught.value.errors["code"] == ["该主体已登记"]
