"""POST requests: turn a partner's GeoReport v2 service request into a complaint.

The complaint is written by ``grievance.services.intake.complaint_submit`` as a trusted internal caller
(channel ``open311``), so intake's rules (validation, grid lookup, routing on commit) apply unchanged.
Answers to the service definition are checked here; they are kept on the ``Open311Request`` and, when
they fit the 4,000-character limit, appended to the complaint's description for the handling unit
(the partner's own text stays on the ``Open311Request`` and is what GET answers).

Input: ``fields`` maps GeoReport parameter names to non-empty strings (the view drops empty ones),
``answers`` maps attribute codes to the list of strings sent for ``attribute[code]``.
"""

import math
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, NotFoundError
from grids.geo import boundary_geometry
from grids.models import GridCell
from grievance.models import Channel, Matter
from grievance.services.intake import complaint_submit
from open311.conf import open311_setting
from open311.models import ApiKey, AttributeType, Open311Request, ServiceDefinition
from open311.services.definitions import attribute_answers_clean

DESCRIPTION_MAX = 4000
TITLE_MAX = 200
TITLE_EXCERPT = 40
MEDIA_URL_MAX = 1000
NAME_MAX = 64
# Intake's field names → the GeoReport parameters a partner sent.
FIELD_NAMES = {
    "lat": "lat",
    "lng": "long",
    "address": "address_string",
    "contact_phone": "phone",
    "contact_name": "last_name",
    "matter": "service_code",
    "title": "description",
}
_url_validator = URLValidator(schemes=["http", "https"])


def _matter(code: str | None) -> Matter:
    if not code:
        raise ApplicationError(_("缺少 service_code"), errors={"service_code": [_("必填")]})
    matter = (
        Matter.objects.filter(code=code, level=3, is_active=True, parent__is_active=True)
        .select_related("parent__parent")
        .first()
    )
    if matter is None or (matter.parent.parent is not None and not matter.parent.parent.is_active):
        raise NotFoundError(_("service_code 不存在：%(code)s") % {"code": code})
    return matter


def _number(fields: dict, name: str, low: float, high: float, errors: dict) -> float | None:
    text = fields.get(name)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        errors[name] = [_("应为%(low)s到%(high)s之间的数字") % {"low": low, "high": high}]
        return None
    return number


def _grid_point(code: str) -> tuple[float, float, str] | None:
    """A point inside the active grid cell ``code`` (its representative point) and its name."""
    cell = GridCell.objects.filter(code=code, is_active=True).select_related("community").first()
    if cell is None:
        return None
    geometry, _problems = boundary_geometry(cell.boundary)
    if geometry is None:
        return None
    point = geometry.representative_point()
    label = f"{cell.community.name}{cell.name}" if cell.community_id else cell.name
    return point.y, point.x, label


def _location(fields: dict, errors: dict) -> dict:
    """lat/lng/address for intake from lat+long, address_string or address_id (in that order)."""
    lat = _number(fields, "lat", -90, 90, errors)
    lng = _number(fields, "long", -180, 180, errors)
    for one, other in (("lat", "long"), ("long", "lat")):
        if fields.get(one) is not None and fields.get(other) is None:
            errors.setdefault(other, []).append(_("lat 与 long 须同时填写"))
    address = fields.get("address_string") or ""
    if len(address) > 255:
        errors["address_string"] = [_("不能超过%(n)d个字符") % {"n": 255}]
    address_id = fields.get("address_id") or ""
    hit = _grid_point(address_id) if address_id else None
    if address_id and hit is None:
        errors["address_id"] = [_("未知的地址编码（应为15位网格编码）：%(code)s") % {"code": address_id}]
    elif hit is not None and lat is None and lng is None and not {"lat", "long"} & errors.keys():
        lat, lng, label = hit  # lat/long, when sent, are more precise than the grid cell
        address = address or label
    located_badly = {"lat", "long", "address_string", "address_id"} & errors.keys()
    if lat is None and lng is None and not address and not address_id and not located_badly:
        errors["location"] = [_("请提供位置：lat 与 long、address_string 或 address_id")]
    return {"lat": lat, "lng": lng, "address": address[:255]}


def _contact(fields: dict, errors: dict) -> dict:
    first, last = fields.get("first_name") or "", fields.get("last_name") or ""
    # Chinese names are written family name first, without a space; Latin names "first last".
    cjk = any("\u3400" <= ch <= "\u9fff" for ch in first + last)
    name = f"{last}{first}" if cjk else " ".join(p for p in (first, last) if p)
    if len(name) > NAME_MAX:
        errors["last_name"] = [_("姓名不能超过%(n)d个字符") % {"n": NAME_MAX}]
    email = fields.get("email") or ""
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("邮箱格式不正确")]
    phone = "".join((fields.get("phone") or "").split())
    return {"contact_name": name[:NAME_MAX], "contact_phone": phone, "anonymous": not phone, "email": email}


def _media_url(fields: dict, errors: dict) -> str:
    url = fields.get("media_url") or ""
    if not url:
        return ""
    try:
        if len(url) > MEDIA_URL_MAX:
            raise ValidationError("too long")
        _url_validator(url)
    except ValidationError:
        errors["media_url"] = [_("应为不超过%(n)d个字符的 http(s) 链接") % {"n": MEDIA_URL_MAX}]
        return ""
    return url


def _answers_text(definition: ServiceDefinition | None, clean: dict) -> str:
    """The answers as lines for the handling unit: "说明：选项名称"."""
    if definition is None or not clean:
        return ""
    lines = []
    for attribute in definition.attributes.all():
        if attribute.code not in clean:
            continue
        value = clean[attribute.code]
        names = {str(v.get("key")): str(v.get("name")) for v in attribute.values or []}
        if attribute.datatype == AttributeType.MULTI:
            shown = "、".join(names.get(v, v) for v in value)
        elif attribute.datatype == AttributeType.SINGLE:
            shown = names.get(value, value)
        elif isinstance(value, float):
            shown = f"{value:g}"
        else:
            shown = str(value)
        lines.append(f"{attribute.description}：{shown}")
    return "【Open311 补充信息】\n" + "\n".join(lines)


def _title(matter: Matter, fields: dict, answers: dict, description: str) -> str:
    given = fields.get("title") or next((t for t in answers.get("title", []) if t.strip()), "")
    if given.strip():
        return given.strip()[:TITLE_MAX]
    excerpt = " ".join(description.split())[:TITLE_EXCERPT]
    return f"{matter.name}：{excerpt}"[:TITLE_MAX] if excerpt else matter.name


def _intake_errors(exc: ApplicationError) -> ApplicationError:
    errors = {FIELD_NAMES.get(field, field): messages for field, messages in exc.errors.items()}
    return ApplicationError(exc.message, errors=errors, status=exc.status)


@transaction.atomic
def service_request_create(
    *, api_key: ApiKey, fields: dict, answers: dict[str, list[str]], now: datetime | None = None
) -> Open311Request:
    """File the request as a complaint (channel ``open311``, client name = the key's name).

    Raises 404 for an unknown ``service_code``, 400 (with errors by GeoReport parameter) otherwise."""
    now = now or timezone.now()
    matter = _matter(fields.get("service_code"))
    definition = ServiceDefinition.objects.filter(matter=matter).prefetch_related("attributes").first()
    errors: dict[str, list[str]] = {}
    description = fields.get("description") or ""
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [_("不能超过%(n)d个字符") % {"n": DESCRIPTION_MAX}]
    location = _location(fields, errors)
    contact = _contact(fields, errors)
    media_url = _media_url(fields, errors)
    clean, answer_errors = attribute_answers_clean(definition=definition, answers=answers)
    errors.update(answer_errors)
    if errors:
        raise ApplicationError(_("请求参数有误"), errors=errors)

    block = _answers_text(definition, clean)
    full = f"{description}\n\n{block}".strip() if block else description
    if len(full) > DESCRIPTION_MAX:
        full = description  # the answers stay on the Open311 request; the citizen's text is never cut
    data = {
        "title": _title(matter, fields, answers, description),
        "description": full,
        "kind": open311_setting("DEFAULT_KIND"),
        "matter": matter.code,
        "channel": Channel.OPEN311,
        **location,
        **{k: v for k, v in contact.items() if k != "email"},
    }
    try:
        complaint = complaint_submit(actor=None, data=data, now=now, client_name=api_key.name)
    except ApplicationError as exc:
        raise _intake_errors(exc) from exc
    return Open311Request.objects.create(
        complaint=complaint,
        api_key=api_key,
        description=description,
        attributes=clean,
        media_url=media_url,
        address_id=(fields.get("address_id") or "")[:32],
        email=contact["email"],
        device_id=(fields.get("device_id") or "")[:128],
        account_id=(fields.get("account_id") or "")[:128],
    )
