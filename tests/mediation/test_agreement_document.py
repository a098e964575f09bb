"""The agreement document renders with every content DOMAIN.md §4 requires; outside the case it is
masked; the PDF is rendered by headless Chromium once per content."""

import shutil
from datetime import timedelta

import pytest
from django.utils import timezone

from common.exceptions import ApplicationError, ConflictError
from mediation.models import Agreement, CaseStatus
from mediation.selectors.documents import agreement_document_html
from mediation.services.documents import agreement_pdf_generate
from mediation.services.transitions import mediation_case_transition
from tests.mediation.factories import COMPANY, PERSON_A, PERSON_C, PERSON_D, case_in, enterprise, person


def _labour_case(world):
    group = {
        "role": "applicant",
        "kind": "group",
        "name": "刘一等12名劳动者",
        "group_size": 12,
        "representatives": [
            person("applicant", name="刘一", id_number=PERSON_C, phone="13600001111"),
            person("applicant", name="陈二", id_number=PERSON_D, phone="13600002222"),
        ],
    }
    case = case_in(
        world,
        CaseStatus.MEDIATING,
        dispute_type="labour",
        wage_arrears=True,
        parties=[person("applicant"), group, enterprise()],
    )
    mediation_case_transition(
        case_id=case.pk,
        action="draft_agreement",
        actor=world.mediator,
        params={
            "facts": "申请人在被申请人处工作，被申请人拖欠2026年3月至4月工资。",
            "terms": "被申请人支付拖欠工资共计人民币86000元。",
            "performance_method": "银行转账至各劳动者工资卡",
            "performance_deadline": "2026-06-30",
            "amount": "86000",
            "copies": 4,
        },
    )
    return mediation_case_transition(
        case_id=case.pk,
        action="agree",
        actor=world.mediator,
        params={"signed_by_parties": True, "signed_by_mediator": True, "sealed": True},
    )


@pytest.mark.django_db
def test_the_document_states_everything_the_law_requires(world):
    case = _labour_case(world)
    html = agreement_document_html(case=case, inside=True)
    age = timezone.localdate().year - 1980 - ((timezone.localdate().month, timezone.localdate().day) < (1, 1))
    required = [
        "劳动争议调解协议书",
        case.number,
        "坪山街道人民调解委员会",
        # parties: a person with every item of the case file, the group with its representatives, a company
        "申请人：张三丰，男，汉族，",
        f"{age}岁",
        "职业：个体经营",
        f"身份证号：{PERSON_A}",
        "住所：深圳市坪山区坪山街道六和社区1号",
        "联系电话：13812345678",
        "刘一等12名劳动者（劳动者共12人）",
        "代表人1：刘一",
        "代表人2：陈二",
        PERSON_C,
        "深圳市坪山示例电子有限公司",
        f"统一社会信用代码：{COMPANY}",
        "法定代表人：李四",
        # facts, terms, how and by when
        "纠纷主要事实、争议事项",
        "拖欠2026年3月至4月工资",
        "被申请人支付拖欠工资共计人民币86000元。",
        "协议金额：人民币86000.00元",
        "履行方式、时限",
        "银行转账至各劳动者工资卡",
        "履行期限：2026年6月30日前履行完毕",
        # copies, effect (signatures and seal), judicial confirmation within 30 days, labour remedies
        "本协议一式4份",
        "各方当事人签名（盖章或按指印）、调解员签名并加盖调解组织印章之日起生效",
        "自调解协议生效之日起三十日内共同向人民法院申请司法确认",
        "申请强制执行",
        "申请支付令",
        "可以依法申请仲裁",
        # signature lines, seal, date
        "申请人（签名或按指印）",
        "申请人代表人（签名或按指印）",
        "被申请人（盖章）",
        "调解员（签名）：调解员m-one",
        "坪山街道人民调解委员会（印章）",
        timezone.localtime(case.agreement.effective_at).strftime("%Y年%-m月%-d日"),
    ]
    missing = [text for text in required if text not in html]
    assert not missing, missing
    assert html.count("（签名或按指印）") == 3  # the person and the two representatives
    assert "http://" not in html and "https://" not in html  # self-contained: prints offline


@pytest.mark.django_db
def test_outside_the_case_the_document_is_masked(world):
    case = _labour_case(world)
    html = agreement_document_html(case=case, inside=False)
    assert PERSON_A not in html and PERSON_C not in html and "13812345678" not in html
    assert "张**" in html and "已脱敏" in html and case.number in html
    assert COMPANY in html  # an enterprise's registry data is public


@pytest.mark.django_db
def test_an_oral_agreement_is_recorded_and_shown_as_such(world):
    case = case_in(world, CaseStatus.MEDIATING)
    params = {
        "form": "oral",
        "facts": "停车位纠纷",
        "terms": "轮流使用车位",
        "performance_method": "自即日起执行",
        "performance_deadline": (timezone.localdate() + timedelta(days=1)).isoformat(),
    }
    with pytest.raises(ApplicationError) as caught:
        mediation_case_transition(
            case_id=case.pk, action="draft_agreement", actor=world.mediator, params=params
        )
    assert "oral_record" in caught.value.errors
    params["oral_record"] = "双方当面口头同意：单日申请人使用，双日被申请人使用。"
    mediation_case_transition(case_id=case.pk, action="draft_agreement", actor=world.mediator, params=params)
    case = mediation_case_transition(case_id=case.pk, action="agree", actor=world.mediator)  # no seal needed
    agreement = Agreement.objects.get(case=case)
    assert case.status == CaseStatus.AGREED and agreement.confirmation_deadline is None
    html = agreement_document_html(case=case, inside=True)
    assert "口头协议记录" in html and "单日申请人使用" in html


@pytest.mark.django_db
def test_a_written_agreement_needs_signatures_and_the_seal(world):
    case = case_in(world, CaseStatus.MEDIATING, draft=True)
    with pytest.raises(ConflictError) as caught:
        mediation_case_transition(
            case_id=case.pk, action="agree", actor=world.mediator, params={"signed_by_parties": True}
        )
    assert caught.value.status == 409 and "签名" in caught.value.message
    with pytest.raises(ConflictError) as caught:
        mediation_case_transition(
            case_id=case.pk,
            action="agree",
            actor=world.mediator,
            params={"signed_by_parties": True, "signed_by_mediator": True},
        )
    assert "印章" in caught.value.message


@pytest.mark.django_db
def test_the_pdf_is_rendered_by_chromium_and_not_again_for_the_same_content(world, settings, tmp_path):
    if not shutil.which("chromium") and not shutil.which("/usr/bin/chromium"):
        pytest.fail("Debian's chromium is required (the test command installs it)")
    settings.MEDIA_ROOT = str(tmp_path)
    case = _labour_case(world)
    assert agreement_pdf_generate(agreement_id=case.agreement.pk) == "rendered"
    agreement = Agreement.objects.get(pk=case.agreement.pk)
    content = agreement.document.read()
    assert content.startswith(b"%PDF") and len(content) > 5000
    assert agreement.document_sha256 and agreement.document_generated_at
    assert agreement_pdf_generate(agreement_id=agreement.pk) == "unchanged"
