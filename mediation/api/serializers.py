"""Shapes of the mediation API (``/api/v1/mediation/``). Output serializers read the dicts of
``mediation.selectors.detail``; input serializers document requests (the services validate).
Component names start with "Mediation" so they never collide with other apps' schemas; codes are
plain strings (their values are listed in the help texts) to keep enum names unambiguous."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from mediation.models import CaseSource, CaseStatus, DisputeType, OrganisationKind
from mediation.workflow import ACTIONS


def _values(choices) -> str:
    return " / ".join(choices.values)


# --- organisations and mediators -------------------------------------------------------------------


class MediationOrganisationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text=_values(OrganisationKind))
    kind_label = serializers.CharField(source="get_kind_display")
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    unit = serializers.CharField(source="unit.code", allow_null=True, default=None)
    address = serializers.CharField()
    phone = serializers.CharField()
    open_cases = serializers.IntegerField()
    total_cases = serializers.IntegerField()
    mediator_count = serializers.IntegerField()


class MediationMediatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.__str__")
    organisation = serializers.CharField(source="organisation.code")
    kind = serializers.CharField(help_text="full_time / part_time")
    is_director = serializers.BooleanField()
    expertise = serializers.ListField(child=serializers.CharField(), help_text=_values(DisputeType))
    languages = serializers.CharField()
    available = serializers.BooleanField()
    unavailable_until = serializers.DateField(allow_null=True)
    caseload = serializers.IntegerField()
    max_caseload = serializers.IntegerField(source="limit")
    takes_cases_now = serializers.BooleanField(source="available_now")


class MediationOrganisationDetailSerializer(MediationOrganisationSerializer):
    mediators = MediationMediatorSerializer(many=True, source="mediators_shown")


# --- cases -----------------------------------------------------------------------------------------


class MediationCaseListItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="〔2026〕坪人调字第N号")
    organisation = serializers.CharField()
    organisation_name = serializers.CharField()
    dispute_type = serializers.CharField(help_text=_values(DisputeType))
    dispute_type_label = serializers.CharField()
    source = serializers.CharField(help_text=_values(CaseSource))
    source_label = serializers.CharField()
    status = serializers.CharField(help_text=_values(CaseStatus))
    status_label = serializers.CharField()
    applied_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    overdue = serializers.BooleanField()
    arbitration_open = serializers.BooleanField(help_text=_("劳动争议：15日内未达成协议，当事人可申请仲裁"))
    amount = serializers.CharField(allow_null=True)
    complaint = serializers.CharField(allow_null=True, help_text=_("来源诉求的查询码"))


class MediationTimeSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    limit = serializers.CharField()
    estimated = serializers.BooleanField()
    running = serializers.BooleanField()
    days_left = serializers.IntegerField(allow_null=True)
    warning = serializers.BooleanField()
    overdue = serializers.BooleanField()
    arbitration_open = serializers.BooleanField()
    extension_days = serializers.IntegerField()


class MediationRepresentativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sex = serializers.CharField()
    age = serializers.IntegerField(allow_null=True)
    id_number = serializers.CharField()
    phone = serializers.CharField()


class MediationPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField(help_text="applicant / respondent / third_party")
    role_label = serializers.CharField()
    kind = serializers.CharField(help_text="person / enterprise / group")
    kind_label = serializers.CharField()
    name = serializers.CharField(help_text=_("本案以外人员看到的自然人姓名已脱敏"))
    sex = serializers.CharField()
    ethnicity = serializers.CharField()
    age = serializers.IntegerField(allow_null=True)
    birth_date = serializers.CharField()
    occupation = serializers.CharField()
    id_number = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()
    credit_code = serializers.CharField()
    legal_representative = serializers.CharField()
    group_size = serializers.IntegerField(allow_null=True)
    refused = serializers.BooleanField()
    masked = serializers.BooleanField()
    representatives = MediationRepresentativeSerializer(many=True)


class MediationCaseMediatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    how = serializers.CharField(help_text="chosen / appointed")
    how_label = serializers.CharField()
    lead = serializers.BooleanField()
    active = serializers.BooleanField()
    recused_at = serializers.DateTimeField(allow_null=True)
    recusal_reason = serializers.CharField()


class MediationSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    place = serializers.CharField()
    status = serializers.CharField(help_text="scheduled / held / cancelled")
    status_label = serializers.CharField()
    attendees = serializers.ListField(child=serializers.IntegerField(), help_text=_("到场当事人编号"))
    mediators = serializers.ListField(child=serializers.CharField())
    other_attendees = serializers.CharField()
    minutes = serializers.CharField()
    held_at = serializers.DateTimeField(allow_null=True)


class MediationExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField()
    consenting_parties = serializers.ListField(child=serializers.IntegerField())
    consent_record = serializers.CharField()
    old_due_at = serializers.DateTimeField()
    new_due_at = serializers.DateTimeField()
    at = serializers.DateTimeField()


class MediationPerformanceRecordSerializer(serializers.Serializer):
    status = serializers.CharField()
    party = serializers.IntegerField(allow_null=True)
    amount = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    proof = serializers.BooleanField()
    at = serializers.DateTimeField()


class MediationAgreementSerializer(serializers.Serializer):
    form = serializers.CharField(help_text="written / oral")
    form_label = serializers.CharField()
    facts = serializers.CharField()
    terms = serializers.CharField()
    performance_method = serializers.CharField()
    performance_deadline = serializers.DateField()
    amount = serializers.CharField(allow_null=True)
    oral_record = serializers.CharField()
    copies = serializers.IntegerField()
    signed_by_parties = serializers.BooleanField()
    signed_by_mediator = serializers.BooleanField()
    sealed = serializers.BooleanField()
    effective_at = serializers.DateTimeField(allow_null=True)
    pdf_ready = serializers.BooleanField()
    performance_status = serializers.CharField(help_text="pending / performed / partial / not_performed")
    performance_label = serializers.CharField()
    payment_order_flagged = serializers.BooleanField(help_text=_("未履行的拖欠劳动报酬协议：可申请支付令"))
    credit_fact_recorded = serializers.BooleanField()
    performance_records = MediationPerformanceRecordSerializer(many=True)
    confirmation_deadline = serializers.DateTimeField(allow_null=True)
    confirmation_status = serializers.CharField(help_text="none / applied / confirmed / rejected")
    confirmation_label = serializers.CharField()
    confirmation_applied_at = serializers.DateTimeField(allow_null=True)
    court = serializers.CharField()
    court_reference = serializers.CharField()
    confirmation_decided_at = serializers.DateTimeField(allow_null=True)


class MediationVisitSerializer(serializers.Serializer):
    visited_at = serializers.DateTimeField()
    method = serializers.CharField()
    party = serializers.IntegerField(allow_null=True)
    performed = serializers.BooleanField(allow_null=True)
    satisfied = serializers.BooleanField(allow_null=True)
    note = serializers.CharField()


class MediationEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()


class MediationCaseDetailSerializer(MediationCaseListItemSerializer):
    source_reference = serializers.CharField()
    summary = serializers.CharField()
    claims = serializers.CharField()
    wage_arrears = serializers.BooleanField()
    oral_application_record = serializers.CharField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    rights_notified_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()
    legal_channels_told = serializers.CharField()
    time = MediationTimeSerializer()
    personal_data_masked = serializers.BooleanField(help_text=_("本案以外人员：当事人个人信息已脱敏"))
    parties = MediationPartySerializer(many=True)
    mediators = MediationCaseMediatorSerializer(many=True)
    sessions = MediationSessionSerializer(many=True)
    extensions = MediationExtensionSerializer(many=True)
    agreement = MediationAgreementSerializer(allow_null=True)
    visits = MediationVisitSerializer(many=True)
    events = MediationEventSerializer(many=True)
    allowed_actions = serializers.ListField(child=serializers.CharField())


# --- inputs ----------------------------------------------------------------------------------------


class MediationPartyInputSerializer(serializers.Serializer):
    role = serializers.CharField(help_text="applicant / respondent / third_party")
    kind = serializers.CharField(required=False, help_text="person（默认）/ enterprise / group")
    name = serializers.CharField()
    sex = serializers.CharField(required=False, help_text=_("male / female；有身份证号时由号码确定"))
    ethnicity = serializers.CharField(required=False)
    birth_date = serializers.DateField(required=False)
    occupation = serializers.CharField(required=False)
    id_number = serializers.CharField(required=False, help_text=_("18位身份证号，按 GB 11643 校验"))
    phone = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    credit_code = serializers.CharField(required=False, help_text=_("单位：统一社会信用代码（GB 32100）"))
    legal_representative = serializers.CharField(required=False)
    group_size = serializers.IntegerField(required=False, help_text=_("劳动者群体：人数（不少于10人）"))
    representatives = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        help_text=_("劳动者群体推举的代表（自然人，须有身份证号）"),
    )


class MediationCaseApplyInputSerializer(serializers.Serializer):
    organisation = serializers.CharField(help_text=_("调解组织编码"))
    dispute_type = serializers.CharField(help_text=_values(DisputeType))
    source = serializers.CharField(help_text=_values(CaseSource) + _("（complaint 除外）"))
    source_reference = serializers.CharField(required=False)
    summary = serializers.CharField(max_length=4000)
    claims = serializers.CharField(required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    wage_arrears = serializers.BooleanField(required=False)
    oral_application_record = serializers.CharField(required=False, help_text=_("口头申请必填"))
    applied_at = serializers.DateTimeField(required=False, help_text=_("默认现在；最早30天前"))
    parties = MediationPartyInputSerializer(many=True)


class MediationFromComplaintInputSerializer(serializers.Serializer):
    complaint = serializers.IntegerField(help_text=_("诉求编号"))
    organisation = serializers.CharField()
    dispute_type = serializers.CharField(help_text=_values(DisputeType))
    summary = serializers.CharField(required=False, help_text=_("默认取诉求内容"))
    claims = serializers.CharField(required=False)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    wage_arrears = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False)
    parties = MediationPartyInputSerializer(
        many=True, help_text=_("至少一名被申请人；诉求人（非匿名）自动列为申请人")
    )


class MediationCaseActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(help_text=" / ".join(ACTIONS))
    reason = serializers.CharField(required=False)
    note = serializers.CharField(required=False)


class MediationStatsRowSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    accepted = serializers.IntegerField()
    mediated = serializers.IntegerField()
    successful = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    performed = serializers.IntegerField()
    performance_rate = serializers.FloatField(allow_null=True)
    confirmed = serializers.IntegerField()
    confirmation_rate = serializers.FloatField(allow_null=True)
    average_duration_days = serializers.FloatField(allow_null=True)
    amount_in_dispute = serializers.CharField()
    amount_agreed = serializers.CharField()


class MediationStatsCountSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    cases = serializers.IntegerField()


class MediationStatsOrganisationSerializer(MediationStatsRowSerializer):
    organisation = serializers.CharField()
    name = serializers.CharField()


class MediationStatsMediatorSerializer(MediationStatsRowSerializer):
    mediator = serializers.IntegerField()
    name = serializers.CharField()
    organisation = serializers.CharField()


class MediationStatsSerializer(MediationStatsRowSerializer):
    by_type = MediationStatsCountSerializer(many=True)
    by_source = MediationStatsCountSerializer(many=True)
    by_organisation = MediationStatsOrganisationSerializer(many=True)
    by_mediator = MediationStatsMediatorSerializer(many=True)


class MediationReminderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    kind = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)
