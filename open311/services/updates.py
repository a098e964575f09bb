"""POST servicerequestupdates (mySociety extension): a partner's update on a request it filed.

The grievance app has no service for free notes on a complaint, so the update is stored as a
``PartnerUpdate`` (shown in the admin with its request) and never changes the complaint: statuses
change only through the complaint workflow. The partner's status is recorded as what it reported.
Posting the same ``update_id`` again with the same key returns the stored update (idempotent retries).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError
from open311.models import ApiKey, Open311Request, PartnerUpdate
from open311.timefmt import open311_datetime_parse

# mySociety's extended statuses (FixMyStreet sends them upper-case).
UPDATE_STATUSES = (
    "open",
    "closed",
    "fixed",
    "in_progress",
    "action_scheduled",
    "investigating",
    "duplicate",
    "not_councils_responsibility",
    "no_further_action",
    "internal_referral",
    "reopen",
)
DESCRIPTION_MAX = 4000
UPDATE_ID_MAX = 64
_url_validator = URLValidator(schemes=["http", "https"])


def _own_request(api_key: ApiKey, service_request_id: str | None) -> Open311Request:
    if not service_request_id:
        raise ApplicationError(_("缺少 service_request_id"), errors={"service_request_id": [_("必填")]})
    request = None
    if service_request_id.isdigit():
        request = Open311Request.objects.filter(complaint_id=int(service_request_id), api_key=api_key).first()
    if request is None:  # someone else's request answers like a missing one
        raise NotFoundError(_("service_request_id 不存在：%(id)s") % {"id": service_request_id})
    return request


def _reported_at(fields: dict, errors: dict, now: datetime) -> datetime:
    text = fields.get("updated_datetime") or fields.get("update_time")
    if not text:
        return now
    moment = open311_datetime_parse(text)
    if moment is None:
        errors["updated_datetime"] = [_("应为 ISO 8601 日期时间，如 2026-05-06T09:30:00+08:00")]
        return now
    return moment


def _clean(fields: dict, now: datetime) -> dict:
    errors: dict[str, list[str]] = {}
    status = (fields.get("status") or "").strip().lower()
    if not status:
        errors["status"] = [_("必填")]
    elif status not in UPDATE_STATUSES:
        errors["status"] = [_("应为：%(choices)s") % {"choices": ", ".join(UPDATE_STATUSES)}]
    description = fields.get("description") or ""
    if not description.strip():
        errors["description"] = [_("必填")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("不能超过%(n)d个字符") % {"n": DESCRIPTION_MAX}]
    update_id = fields.get("update_id") or ""
    if len(update_id) > UPDATE_ID_MAX:
        errors["update_id"] = [_("不能超过%(n)d个字符") % {"n": UPDATE_ID_MAX}]
    media_url = fields.get("media_url") or ""
    if media_url:
        try:
            _url_validator(media_url)
            if len(media_url) > 1000:
                raise ValidationError("too long")
        except ValidationError:
            errors["media_url"] = [_("应为 http(s) 链接")]
    email = fields.get("email") or ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("邮箱格式不正确")]
    reported_at = _reported_at(fields, errors, now)
    if errors:
        raise ApplicationError(_("更新参数有误"), errors=errors)
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    return {
        "status": status,
        "description": description,
        "partner_update_id": update_id,
        "media_url": media_url,
        "email": email,
        "author_name": name[:128],
        "reported_at": reported_at,
    }


def partner_update_create(*, api_key: ApiKey, fields: dict, now: datetime | None = None) -> PartnerUpdate:
    """Store a partner's update on its own request (404 for another key's or an unknown request)."""
    now = now or timezone.now()
    request = _own_request(api_key, fields.get("service_request_id"))
    values = _clean(fields, now)
    if values["partner_update_id"]:
        existing = PartnerUpdate.objects.filter(
            api_key=api_key, partner_update_id=values["partner_update_id"]
        ).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            return PartnerUpdate.objects.create(request=request, api_key=api_key, **values)
    except IntegrityError:  # the same update_id posted twice at once: the first one won
        return PartnerUpdate.objects.get(api_key=api_key, partner_update_id=values["partner_update_id"])
