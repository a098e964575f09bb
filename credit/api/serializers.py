"""Serializers of the credit API. Component names all start with "Credit" (one OpenAPI namespace).

Output serializers read ``context["actor"]`` (a CreditActor) and ``context["now"]``: a natural person's
name is masked, and a record's internal block is null, for callers who may not see internal data.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from credit.models import (
    CreditListEntry,
    CreditRecord,
    CreditSubject,
    InspectionDraw,
    InspectionPlan,
    InspectionTask,
    JointMeasure,
    RepairApplication,
    SubjectKind,
)
from credit.selectors.records import record_internal_visible
from credit.selectors.subjects import subject_display_name


def _actor(serializer):
    return serializer.context["actor"]


class CreditSubjectRefSerializer(serializers.ModelSerializer):
    # A plain string in outputs: the enum lives once, on the input (one OpenAPI component, no clash).
    kind = serializers.CharField(read_only=True, help_text="legal 法人和非法人组织 / natural 自然人")
    name = serializers.SerializerMethodField()

    class Meta:
        model = CreditSubject
        fields = ["id", "kind", "code", "name"]

    def get_name(self, subject) -> str:
        return subject_display_name(subject=subject, full=_actor(self).is_agency)


class CreditSubjectSerializer(CreditSubjectRefSerializer):
    grid = serializers.SlugRelatedField(slug_field="code", read_only=True)
    grade = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()

    class Meta:
        model = CreditSubject
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "legal_representative",
            "region_code",
            "industry",
            "address",
            "grid",
            "code_overridden",
            "grade",
            "score",
            "graded_at",
        ]

    def to_representation(self, subject):
        data = super().to_representation(subject)
        if subject.kind == SubjectKind.NATURAL and not _actor(self).is_agency:
            data["address"] = ""
        if not _actor(self).is_agency:
            data["graded_at"] = None
        return data

    def get_grade(self, subject) -> str | None:
        """Grades steer supervision: agencies only; "" is unrated."""
        return subject.grade if _actor(self).is_agency else None

    def get_score(self, subject) -> int | None:
        return subject.score if _actor(self).is_agency else None


class CreditRecordPublicationSerializer(serializers.Serializer):
    public = serializers.BooleanField()
    published_at = serializers.DateTimeField(allow_null=True)
    min_until = serializers.DateField()
    max_until = serializers.DateField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    revoked_on = serializers.DateField(allow_null=True)
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField()
    withdrawal_late = serializers.BooleanField()


class CreditRecordInternalSerializer(serializers.Serializer):
    internal_note = serializers.CharField()
    data = serializers.DictField()
    source = serializers.CharField()
    source_ref = serializers.CharField()
    revocation_reason = serializers.CharField()


class CreditRecordSerializer(serializers.ModelSerializer):
    subject = CreditSubjectRefSerializer(read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    publication = serializers.SerializerMethodField()
    internal = serializers.SerializerMethodField()

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "subject",
            "kind",
            "severity",
            "title",
            "department",
            "department_name",
            "decision_number",
            "decision_date",
            "category",
            "legal_basis",
            "facts",
            "content",
            "fine_amount",
            "confiscated_amount",
            "certificate_name",
            "certificate_number",
            "valid_from",
            "valid_until",
            "rule_version",
            "publication",
            "internal",
        ]

    @extend_schema_field(CreditRecordPublicationSerializer)
    def get_publication(self, record) -> dict:
        now = self.context["now"]
        return CreditRecordPublicationSerializer(
            {
                "public": record.is_public(now),
                "published_at": record.published_at,
                "min_until": record.publication_min_until,
                "max_until": record.publication_max_until,
                "due_at": record.publication_due_at,
                "overdue": record.publication_overdue(now),
                "revoked_on": record.revoked_on,
                "withdrawn_at": record.withdrawn_at,
                "withdrawal_reason": record.withdrawal_reason,
                "withdrawal_late": record.withdrawal_late(now),
            }
        ).data

    @extend_schema_field(CreditRecordInternalSerializer(allow_null=True))
    def get_internal(self, record) -> dict | None:
        if not record_internal_visible(actor=_actor(self), record=record):
            return None
        return CreditRecordInternalSerializer(record).data


class CreditListEntrySerializer(serializers.ModelSerializer):
    list = serializers.CharField(source="credit_list.code", read_only=True)
    list_name = serializers.CharField(source="credit_list.name", read_only=True)
    list_kind = serializers.CharField(source="credit_list.kind", read_only=True)
    subject = CreditSubjectRefSerializer(read_only=True)

    class Meta:
        model = CreditListEntry
        fields = [
            "id",
            "list",
            "list_name",
            "list_kind",
            "subject",
            "manual",
            "entered_at",
            "entry_reason",
            "exited_at",
        ]


class CreditMeasureSerializer(serializers.ModelSerializer):
    list = serializers.CharField(source="credit_list.code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = JointMeasure
        fields = [
            "code",
            "name",
            "kind",
            "list",
            "application_class",
            "legal_basis",
            "department",
            "department_name",
        ]


class CreditRepairSerializer(serializers.ModelSerializer):
    record = serializers.PrimaryKeyRelatedField(read_only=True)
    subject = CreditSubjectRefSerializer(source="record.subject", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = RepairApplication
        fields = [
            "id",
            "record",
            "subject",
            "status",
            "applicant_name",
            "duties_fulfilled",
            "duties_evidence",
            "commitment_text",
            "conditions",
            "decided_at",
            "decision_note",
            "created_at",
            "allowed_actions",
        ]

    def get_allowed_actions(self, repair) -> list[str]:
        return self.context.get("allowed_actions", {}).get(repair.pk, [])


class CreditInspectionTaskSerializer(serializers.ModelSerializer):
    subject = CreditSubjectRefSerializer(read_only=True)
    inspectors = serializers.SerializerMethodField()

    class Meta:
        model = InspectionTask
        fields = [
            "id",
            "subject",
            "grade_at_draw",
            "inspectors",
            "status",
            "outcome",
            "result_note",
            "inspected_on",
        ]

    def get_inspectors(self, task) -> list[str]:
        return [f"{i.name}（{i.certificate_number}）" for i in task.inspectors.all()]


class CreditInspectionDrawSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    tasks = CreditInspectionTaskSerializer(many=True, read_only=True)
    reproduced = serializers.SerializerMethodField()

    class Meta:
        model = InspectionDraw
        fields = ["id", "plan", "plan_name", "seed", "created_at", "log", "digest", "reproduced", "tasks"]

    def get_reproduced(self, draw) -> bool:
        return bool(self.context.get("reproduced"))


class CreditInspectionPlanSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    items = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    inspectors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    draw = serializers.SerializerMethodField()

    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "code",
            "name",
            "department",
            "year",
            "items",
            "target_filter",
            "grade_ratios",
            "inspectors",
            "inspectors_per_target",
            "status",
            "draw",
        ]

    def get_draw(self, plan) -> int | None:
        draw = getattr(plan, "draw", None)  # a missing reverse one-to-one raises an AttributeError
        return draw.pk if draw else None


# --- input ----------------------------------------------------------------------------------------


class CreditSubjectInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SubjectKind.choices)
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    industry = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    grid = serializers.CharField(
        max_length=15, required=False, default=None, allow_null=True, allow_blank=True
    )
    lat = serializers.FloatField(required=False, default=None, allow_null=True, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, default=None, allow_null=True, min_value=-180, max_value=180)
    override_reason = serializers.CharField(required=False, default="", allow_blank=True, max_length=1000)


class CreditRecordInputSerializer(serializers.Serializer):
    subject = serializers.IntegerField(required=False)
    subject_code = serializers.CharField(required=False, max_length=40)
    kind = serializers.CharField(max_length=32)
    title = serializers.CharField(max_length=200)
    decision_date = serializers.DateField()
    decision_number = serializers.CharField(max_length=128, required=False, default="", allow_blank=True)
    severity = serializers.CharField(max_length=16, required=False, default=None, allow_null=True)
    department = serializers.CharField(max_length=32, required=False, default=None, allow_null=True)
    category = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    legal_basis = serializers.CharField(required=False, default="", allow_blank=True)
    facts = serializers.CharField(required=False, default="", allow_blank=True)
    content = serializers.CharField(required=False, default="", allow_blank=True)
    fine_amount = serializers.DecimalField(14, 2, required=False, default=None, allow_null=True, min_value=0)
    confiscated_amount = serializers.DecimalField(
        14, 2, required=False, default=None, allow_null=True, min_value=0
    )
    certificate_name = serializers.CharField(max_length=128, required=False, default="", allow_blank=True)
    certificate_number = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    valid_from = serializers.DateField(required=False, default=None, allow_null=True)
    valid_until = serializers.DateField(required=False, default=None, allow_null=True)
    internal_note = serializers.CharField(required=False, default="", allow_blank=True)
    publish = serializers.BooleanField(required=False, default=True)

    def validate(self, attrs):
        if attrs.get("subject") is None and not attrs.get("subject_code"):
            raise serializers.ValidationError({"subject": ["subject 或 subject_code 必填其一"]})
        return attrs


class CreditRecordActionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["publish", "revoke"])
    revoked_on = serializers.DateField(required=False, default=None, allow_null=True)
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class CreditRepairApplyInputSerializer(serializers.Serializer):
    record = serializers.IntegerField()
    duties_fulfilled = serializers.BooleanField()
    duties_evidence = serializers.CharField(allow_blank=True)
    commitment_text = serializers.CharField(allow_blank=True)
    applicant_name = serializers.CharField(max_length=128, required=False, default="", allow_blank=True)


class CreditRepairActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=32)
    note = serializers.CharField(required=False, default="", allow_blank=True)


class CreditPlanInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200)
    department = serializers.CharField(max_length=32)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    items = serializers.ListField(child=serializers.CharField(max_length=32), allow_empty=False)
    inspectors = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    target_filter = serializers.DictField(required=False, default=dict)
    grade_ratios = serializers.DictField(child=serializers.FloatField(), required=False, default=None)
    inspectors_per_target = serializers.IntegerField(required=False, default=2, min_value=1, max_value=10)


class CreditDrawInputSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, default=None, allow_null=True)


class CreditTaskResultInputSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=16)
    note = serializers.CharField(required=False, default="", allow_blank=True)
    inspected_on = serializers.DateField()
