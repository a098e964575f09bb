"""The complaint API (API.md "Complaints"): submit, list, detail, actions, attachments, duplicates, support.

Thin views: parse → one service or selector → serialize. Visibility comes only from
``grievance.selectors.complaints`` (a complaint the caller may not see answers 404, like one that does
not exist); the services answer 400/403/409 through the project error handler.
"""

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from accounts.models import STAFF_ROLES
from common.exceptions import NotFoundError, PermissionDeniedError
from common.pagination import StandardPagination, paginated
from grievance.api.serializers import (
    AttachmentOutputSerializer,
    ComplaintActionInputSerializer,
    ComplaintDetailSerializer,
    ComplaintListItemSerializer,
    ComplaintSubmitInputSerializer,
    SimilarInputSerializer,
    SupportInputSerializer,
    scrub_personal,
)
from grievance.selectors.attachments import attachment_get, attachment_list
from grievance.selectors.complaints import (
    API_RELATED,
    complaint_allowed_actions_for,
    complaint_contact_visible,
    complaint_detail_prefetch,
    complaint_get_for_actor,
    complaint_list_for_actor,
    complaint_reads_all,
)
from grievance.selectors.matters import matter_get
from grievance.services.actions import complaint_action
from grievance.services.attachments import attachment_add
from grievance.services.duplicates import complaint_duplicates
from grievance.services.intake import complaint_submit
from grievance.services.privacy import complaint_contact_read_record
from grievance.services.support import complaint_support_add

LIST_FILTERS = [
    OpenApiParameter(name, str, description=description)
    for name, description in (
        ("status", "状态，可逗号分隔多个"),
        ("unit", "承办单位编码（有效派单）"),
        ("grid", "网格编码"),
        ("overdue", "true/false：是否超期"),
        ("kind", "诉求类型，可逗号分隔多个"),
        ("from", "受理时间起（日期或 ISO 8601）"),
        ("to", "受理时间止（日期或 ISO 8601）"),
    )
]


def request_dict(request) -> dict | list | str:
    """The request body as a plain dict (form posts arrive as QueryDicts); anything else unchanged."""
    data = request.data
    return data.dict() if hasattr(data, "dict") else data


def complaint_detail_data(request, complaint) -> dict:
    user = request.user
    context = {
        "user": user,
        "now": timezone.now(),
        "staff": bool(getattr(user, "is_authenticated", False) and user.role in STAFF_ROLES),
        "contact_visible": complaint_contact_visible(user=user, complaint=complaint),
        "allowed_actions": complaint_allowed_actions_for(user=user, complaint=complaint),
    }
    if context["contact_visible"]:  # who looked (issue 11): the full contact is about to be shown
        complaint_contact_read_record(user=user, complaint=complaint, via="api", path=request.path)
    return ComplaintDetailSerializer(complaint, context=context).data


class ComplaintListCreateApi(APIView):
    """``POST``: submit (anonymous allowed, throttled). ``GET``: what the caller may see, paginated."""

    throttle_classes = [AnonRateThrottle]

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(request=ComplaintSubmitInputSerializer, responses={201: ComplaintDetailSerializer})
    def post(self, request):
        complaint = complaint_submit(actor=request.user, data=request_dict(request))
        if complaint_reads_all(request.user):
            # The centre sees every complaint: answer from the rows just written instead of reading them
            # back through the visibility query (most of the intake's database time; docs/benchmarks.md).
            shown = complaint_detail_prefetch(complaint=complaint)
        else:
            try:
                shown = complaint_get_for_actor(
                    user=request.user, complaint_id=complaint.pk, related=API_RELATED
                )
            except NotFoundError:  # anonymous callers (and reporters outside their grid) cannot read it back
                shown = complaint
        return Response(complaint_detail_data(request, shown), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="v1_complaints_list",
        parameters=LIST_FILTERS,
        responses={200: paginated(ComplaintListItemSerializer)},
    )
    def get(self, request):
        complaints = complaint_list_for_actor(
            user=request.user, filters=request.query_params, related=API_RELATED
        )
        paginator = StandardPagination()
        page = paginator.paginate_queryset(complaints, request, view=self)
        data = ComplaintListItemSerializer(page, many=True, context={"now": timezone.now()}).data
        return paginator.get_paginated_response(data)


class ComplaintDetailApi(APIView):
    @extend_schema(responses={200: ComplaintDetailSerializer})
    def get(self, request, complaint_id):
        complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id, related=API_RELATED)
        return Response(complaint_detail_data(request, complaint))


class ComplaintActionApi(APIView):
    """``{"action": name, ...params}`` → 200 with the complaint; 400 params, 403 role, 409 state."""

    @extend_schema(request=ComplaintActionInputSerializer, responses={200: ComplaintDetailSerializer})
    def post(self, request, complaint_id):
        complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id, related=API_RELATED)
        data = request_dict(request)
        params = data if isinstance(data, dict) else None
        complaint_action(
            complaint_id=complaint.pk,
            action=(params or {}).get("action"),
            actor=request.user,
            params=params if params is not None else data,
        )
        try:
            complaint = complaint_get_for_actor(
                user=request.user, complaint_id=complaint.pk, related=API_RELATED
            )
        except NotFoundError:  # e.g. after a return (退单) the unit no longer holds it
            return Response({"id": complaint.pk, "tracking_code": complaint.tracking_code, "status": None})
        return Response(complaint_detail_data(request, complaint))


class ComplaintAttachmentsApi(APIView):
    """``GET``: the attachments. ``POST`` (multipart ``file``): upload, for actors with a role on it."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: AttachmentOutputSerializer(many=True)})
    def get(self, request, complaint_id):
        complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id, related=API_RELATED)
        return Response(AttachmentOutputSerializer(attachment_list(complaint=complaint), many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer("AttachmentUpload", {"file": serializers.FileField()})
        },
        responses={201: AttachmentOutputSerializer},
    )
    def post(self, request, complaint_id):
        complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id, related=API_RELATED)
        attachment = attachment_add(complaint=complaint, file=request.FILES.get("file"), actor=request.user)
        return Response(AttachmentOutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


class ComplaintAttachmentDownloadApi(APIView):
    """The file, as a download, to those who may see the complaint."""

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, complaint_id, attachment_id):
        complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id, related=API_RELATED)
        attachment = attachment_get(complaint=complaint, attachment_id=attachment_id)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _similar_item(complaint) -> dict:
    return {
        "id": complaint.pk,
        "title": scrub_personal(complaint.title, name=complaint.contact_name, phone=complaint.contact_phone),
        "status": complaint.status,
        "received_at": serializers.DateTimeField().to_representation(complaint.received_at),
        "support_count": complaint.support_count,
        "distance_m": complaint.distance_m,
        "similarity": complaint.similarity,
    }


class SimilarComplaintSerializer(serializers.Serializer):
    """One open complaint like the one at hand (documentation of ``_similar_item``)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    received_at = serializers.DateTimeField()
    support_count = serializers.IntegerField()
    distance_m = serializers.FloatField(allow_null=True)
    similarity = serializers.FloatField()


def _similar_list(name: str):
    """``{"results": [SimilarComplaint, ...]}`` (a new field each time: a field is bound once)."""
    return inline_serializer(name, {"results": SimilarComplaintSerializer(many=True)})


class ComplaintDuplicatesApi(APIView):
    """Merge candidates for the command centre (open, same matter, near, similar text)."""

    @extend_schema(responses={200: _similar_list("DuplicateList")})
    def get(self, request, complaint_id):
        complaint = complaint_get_for_actor(user=request.user, complaint_id=complaint_id, related=API_RELATED)
        if not complaint_reads_all(request.user):
            raise PermissionDeniedError(_("只有指挥中心可以查看并单候选"))
        return Response({"results": [_similar_item(c) for c in complaint_duplicates(complaint=complaint)]})


class ComplaintSimilarApi(APIView):
    """Before submitting: open complaints about the same thing nearby, which the citizen can support."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=SimilarInputSerializer,
        responses={200: _similar_list("SimilarList")},
    )
    def post(self, request):
        serializer = SimilarInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        matter = matter_get(code=data["matter"]) if data["matter"] else None
        found = complaint_duplicates(
            matter=matter,
            lat=data["lat"],
            lng=data["lng"],
            title=data["title"],
            description=data["description"],
        )
        return Response({"results": [_similar_item(c) for c in found]})


class ComplaintSupportApi(APIView):
    """Add one's support (附议) to an open complaint instead of filing the same report again."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        request=SupportInputSerializer,
        responses={201: inline_serializer("SupportAdded", {"support_count": serializers.IntegerField()})},
    )
    def post(self, request, complaint_id):
        data = request_dict(request)
        data = data if isinstance(data, dict) else {}
        try:
            pk = int(complaint_id)
        except (TypeError, ValueError):
            raise NotFoundError(_("诉求不存在")) from None
        support = complaint_support_add(
            complaint_id=pk,
            actor=request.user,
            contact_name=str(data.get("contact_name") or ""),
            contact_phone=str(data.get("contact_phone") or ""),
        )
        return Response({"support_count": support.complaint.support_count}, status=status.HTTP_201_CREATED)
