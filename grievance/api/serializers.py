"""Shapes of the complaint API (API.md "Complaints", "Routing suggestions"): input documents and output.

Input serializers here describe requests for the OpenAPI schema; the services validate (one place for
the rules). Output serializers read from the objects the selectors return and take, in their context,
``user``, ``now``, ``staff`` (sees every event and who acted), ``contact_visible`` and
``allowed_actions``. Contact name and phone are masked unless ``contact_visible``; every list masks.
"""

import re

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers

from common.validators import mask_name, mask_phone
from grievance.models import ComplaintKind, Satisfaction, Status
from grievance.selectors.complaints import complaint_events_for_actor
from grievance.services.deadlines import SUPERVISION_LABELS, complaint_overdue
from grievance.workflow import TRANSITIONS

ACTION_LABELS = {t.action: _lazy(t.label) for t in TRANSITIONS} | {
    "submit": _lazy("提交诉求"),
    "support": _lazy("附议"),
    "rate": _lazy("市民评价"),
    "attach": _lazy("上传附件"),
    "merged_in": _lazy("并入其他诉求"),
}
_PHONE_LIKE = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?!\d)")
_ID_LIKE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def scrub_personal(text: str, *, name: str = "", phone: str = "") -> str:
    """Mask phone numbers, ID numbers and the complainant's own name in free text shown publicly."""
    text = _ID_LIKE.sub(lambda m: m.group(0)[:6] + "********" + m.group(0)[-4:], text or "")
    text = _PHONE_LIKE.sub(lambda m: mask_phone(m.group(0)), text)
    if phone:
        text = text.replace(phone, mask_phone(phone))
    if name and len(name) >= 2:
        text = text.replace(name, mask_name(name))
    return text


# --- input documents -------------------------------------------------------------------------------


class ComplaintSubmitInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=ComplaintKind.choices)
    matter = serializers.CharField(required=False, help_text=_("事项编码（小类），可不填，由系统推荐"))
    urgency = serializers.ChoiceField(choices=["normal", "urgent"], required=False)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, min_value=-180, max_value=180)
    address = serializers.CharField(required=False, max_length=255)
    contact_name = serializers.CharField(required=False, max_length=64)
    contact_phone = serializers.CharField(required=False, max_length=32)
    anonymous = serializers.BooleanField(required=False)
    channel = serializers.CharField(required=False, help_text=_("仅工作人员可指定；市民一律为 web"))
    received_at = serializers.DateTimeField(
        required=False, help_text=_("仅话务员：来电时间，7天内且不晚于现在")
    )
    enterprise_credit_code = serializers.CharField(required=False, max_length=18)
    answer = serializers.CharField(required=False, help_text=_("仅话务员/派单员：咨询类诉求当场答复"))


class ComplaintActionInputSerializer(serializers.Serializer):
    action = serializers.CharField(help_text=_("操作名称，其余字段为该操作的参数（见 API.md）"))
    note = serializers.CharField(required=False)


class RateInputSerializer(serializers.Serializer):
    resolved = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class SupportInputSerializer(serializers.Serializer):
    contact_name = serializers.CharField(required=False, allow_blank=True, max_length=64)
    contact_phone = serializers.CharField(required=False, allow_blank=True, max_length=32)


class SuggestInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90, default=None)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180, default=None)

    def validate(self, attrs):
        if not (attrs["title"].strip() or attrs["description"].strip()):
            raise serializers.ValidationError({"title": [_("标题和内容不能都为空")]})
        if (attrs["lat"] is None) != (attrs["lng"] is None):
            raise serializers.ValidationError({"lat": [_("经纬度须同时填写")]})
        return attrs


class SimilarInputSerializer(SuggestInputSerializer):
    matter = serializers.CharField(required=False, allow_blank=True, default="")


# --- output ----------------------------------------------------------------------------------------


class SuggestionSerializer(serializers.Serializer):
    matter = serializers.CharField()
    path = serializers.ListField(child=serializers.CharField())
    unit = serializers.CharField(allow_null=True)
    score = serializers.FloatField()


class SuggestOutputSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id", allow_null=True)
    created_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return reverse("api-complaint-attachment", args=[obj.complaint_id, obj.pk])


class EventOutputSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    action = serializers.CharField()
    label = serializers.SerializerMethodField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()

    def get_actor(self, obj) -> str | None:
        if self.context.get("staff"):
            return str(obj.actor) if obj.actor_id else None
        return obj.actor_unit.name if obj.actor_unit_id else None  # citizens see units, not people

    def get_unit(self, obj) -> str | None:
        return obj.actor_unit.code if obj.actor_unit_id else None

    def get_label(self, obj) -> str:
        return ACTION_LABELS.get(obj.action, obj.action)


def _contact(obj, visible: bool) -> tuple[str, str]:
    if visible:
        return obj.contact_name, obj.contact_phone
    return mask_name(obj.contact_name), mask_phone(obj.contact_phone) if obj.contact_phone else ""


class ComplaintListItemSerializer(serializers.Serializer):
    """A row of a list: contact details always masked (API.md, issue 3)."""

    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    kind = serializers.CharField()
    title = serializers.CharField()
    matter = serializers.CharField(source="matter.code", allow_null=True, read_only=True)
    urgency = serializers.CharField()
    channel = serializers.CharField()
    grid = serializers.CharField(source="grid.code", allow_null=True, read_only=True)
    street = serializers.CharField(source="street.code", allow_null=True, read_only=True)
    lead_unit = serializers.CharField(source="lead_unit.code", allow_null=True, read_only=True)
    received_at = serializers.DateTimeField()
    handle_deadline = serializers.DateTimeField(allow_null=True)
    supervision_level = serializers.IntegerField()
    overdue = serializers.SerializerMethodField()
    support_count = serializers.IntegerField()
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()

    def get_status_label(self, obj) -> str:
        return _status_label(obj.status)

    def get_overdue(self, obj) -> bool:
        return complaint_overdue(obj, self.context["now"])

    def get_contact_name(self, obj) -> str:
        return _contact(obj, False)[0]

    def get_contact_phone(self, obj) -> str:
        return _contact(obj, False)[1]


class ComplaintDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    matter = serializers.CharField(source="matter.code", allow_null=True, read_only=True)
    matter_suggested = serializers.BooleanField()
    urgency = serializers.CharField()
    channel = serializers.CharField()
    address = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)
    grid = serializers.CharField(source="grid.code", allow_null=True, read_only=True)
    community = serializers.CharField(source="community.code", allow_null=True, read_only=True)
    street = serializers.CharField(source="street.code", allow_null=True, read_only=True)
    lead_unit = serializers.CharField(source="lead_unit.code", allow_null=True, read_only=True)
    co_units = serializers.SerializerMethodField()
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    anonymous = serializers.BooleanField()
    enterprise_credit_code = serializers.CharField()
    received_at = serializers.DateTimeField()
    dispatched_at = serializers.DateTimeField(allow_null=True)
    signed_at = serializers.DateTimeField(allow_null=True)
    handled_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    sign_deadline = serializers.DateTimeField(allow_null=True)
    handle_deadline = serializers.DateTimeField(allow_null=True)
    deadline_estimated = serializers.BooleanField()
    supervision_level = serializers.IntegerField()
    supervision_label = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    pending_extension_days = serializers.IntegerField()
    disposition = serializers.CharField()
    result = serializers.CharField()
    answer = serializers.CharField()
    resolved = serializers.BooleanField(allow_null=True)
    satisfaction = serializers.CharField()
    citizen_rated_at = serializers.DateTimeField(allow_null=True)
    support_count = serializers.IntegerField()
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True)
    psych_referral = serializers.SerializerMethodField()
    crisis_signals = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    def _visible(self) -> bool:
        return bool(self.context.get("contact_visible"))

    def get_status_label(self, obj) -> str:
        return _status_label(obj.status)

    def get_co_units(self, obj) -> list[str]:
        assignments = getattr(obj, "active_assignments", None)
        if assignments is None:
            assignments = obj.assignments.filter(active=True).select_related("unit")
        return [a.unit.code for a in assignments if a.role == "co"]

    def get_contact_name(self, obj) -> str:
        return _contact(obj, self._visible())[0]

    def get_contact_phone(self, obj) -> str:
        return _contact(obj, self._visible())[1]

    def get_supervision_label(self, obj) -> str:
        return SUPERVISION_LABELS.get(obj.supervision_level, "")

    def get_overdue(self, obj) -> bool:
        return complaint_overdue(obj, self.context["now"])

    def get_psych_referral(self, obj) -> bool | None:
        # Sensitive: only those who see the contact (centre, handling units) learn of a referral.
        return obj.psych_referral if self._visible() else None

    def get_crisis_signals(self, obj) -> list[str] | None:
        if not self._visible():
            return None
        submit = next((e for e in self._events(obj) if e.action == "submit"), None)
        return list(submit.payload.get("crisis_signals", [])) if submit else []

    def get_attachments(self, obj) -> list[dict]:
        return AttachmentOutputSerializer(obj.attachments.order_by("id"), many=True).data

    def _events(self, obj) -> list:
        cache = self.context.setdefault("_events", {})
        if obj.pk not in cache:
            cache[obj.pk] = complaint_events_for_actor(user=self.context.get("user"), complaint=obj)
        return cache[obj.pk]

    def get_events(self, obj) -> list[dict]:
        return EventOutputSerializer(self._events(obj), many=True, context=self.context).data

    def get_allowed_actions(self, obj) -> list[str]:
        return list(self.context.get("allowed_actions", []))


class TrackingEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    label = serializers.SerializerMethodField()
    status = serializers.CharField(source="to_status")
    status_label = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()

    def get_label(self, obj) -> str:
        return ACTION_LABELS.get(obj.action, obj.action)

    def get_status_label(self, obj) -> str:
        return _status_label(obj.to_status)

    def get_unit(self, obj) -> str | None:
        """Only unit names, never people: the acting unit, else the unit the event sent it to."""
        if obj.actor_unit_id:
            return obj.actor_unit.name
        code = obj.payload.get("to_unit") or obj.payload.get("unit")
        return self.context.get("unit_names", {}).get(code) if isinstance(code, str) else None


class TrackingSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    kind = serializers.CharField()
    title = serializers.SerializerMethodField()
    received_at = serializers.DateTimeField()
    lead_unit = serializers.SerializerMethodField()
    sign_deadline = serializers.DateTimeField()
    handle_deadline = serializers.DateTimeField()
    deadline_estimated = serializers.BooleanField()
    answer = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    support_count = serializers.IntegerField()
    rated = serializers.SerializerMethodField()
    can_rate = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    def _scrub(self, obj, text: str) -> str:
        return scrub_personal(text, name=obj.contact_name, phone=obj.contact_phone)

    def get_status_label(self, obj) -> str:
        return _status_label(obj.status)

    def get_title(self, obj) -> str:
        return self._scrub(obj, obj.title)

    def get_lead_unit(self, obj) -> str | None:
        return obj.lead_unit.name if obj.lead_unit_id else None

    def get_answer(self, obj) -> str:
        return self._scrub(obj, obj.answer)

    def get_result(self, obj) -> str:
        return self._scrub(obj, obj.result)

    def get_rated(self, obj) -> bool:
        return obj.citizen_rated_at is not None

    def get_can_rate(self, obj) -> bool:
        return obj.citizen_rated_at is None and obj.status in (
            Status.HANDLED,
            Status.REVIEWING,
            Status.CLOSED,
        )

    def get_timeline(self, obj) -> list[dict]:
        context = {"unit_names": getattr(obj, "unit_names", {})}
        return TrackingEventSerializer(obj.public_events, many=True, context=context).data
