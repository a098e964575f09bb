"""Intake (受理): validate a complaint, resolve where it is, store it with its first event, queue routing.

Invariants:
- Nothing is written unless every field is valid; the complaint and its "submit" event are written in
  one transaction, and routing is queued only on commit (outbox rule: the sweeper finds complaints
  still ``submitted`` if the broker was down).
- Who may set what: ``channel`` only staff (and trusted internal callers, ``actor=None``: Open311,
  importers); citizens and anonymous callers always get "web". ``received_at`` only operators (the real
  call time, at most ``RECEIVED_AT_MAX_DAYS`` back, not in the future). ``answer`` only operators and
  dispatchers, only for consultations: the consultation is answered in the same transaction.
- Crisis signals (self-harm, despair, threats) in the text do not refer anyone by themselves: the
  submit event records ``crisis_signals`` and routing sends the complaint to the centre's queue, where
  a dispatcher decides on the ``psych_refer`` action (the referral is a person's decision).
"""

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES, Role
from common.exceptions import ApplicationError
from common.queue import enqueue
from common.validators import is_valid_phone, uscc_errors
from grids.geo import grid_for_point
from grids.models import Division, GridCell
from grievance.models import Channel, Complaint, ComplaintEvent, ComplaintKind, Matter, Urgency
from grievance.selectors.matters import matter_rule_in_force
from grievance.services.routing import routing_suggest, suggestion_confident

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
ADDRESS_MAX = 255
NAME_MAX = 64
CLOCK_SKEW = timedelta(minutes=2)  # an operator's PC clock may run a little ahead of the server
CRISIS_WORDS = (
    "自杀",
    "不想活",
    "活不下去",
    "轻生",
    "寻死",
    "跳楼",
    "跳河",
    "割腕",
    "喝农药",
    "结束生命",
    "了结自己",
    "同归于尽",
    "报复社会",
    "杀了他",
    "杀人",
    "炸掉",
)
DEFAULT_CHANNEL_FOR_ROLE = {
    Role.OPERATOR: Channel.HOTLINE,
    Role.DISPATCHER: Channel.HOTLINE,
    Role.GRID_WORKER: Channel.GRID,
}


def crisis_signals(text: str) -> list[str]:
    """The crisis words found in ``text`` (empty when none)."""
    compact = "".join((text or "").split())
    return [word for word in CRISIS_WORDS if word in compact]


def _received_at_max_days() -> int:
    return int(settings.GRIEVANCE.get("RECEIVED_AT_MAX_DAYS", 7))


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _is_staff(actor) -> bool:
    return actor is None or (_is_user(actor) and actor.role in STAFF_ROLES)


class _Form:
    """Collects cleaned values and field errors; every ``clean_*`` reads ``data`` once."""

    def __init__(self, data: dict):
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def error(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def text(self, field: str, *, max_length: int, required: bool = False) -> str:
        value = self.data.get(field)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(field, _("应为文本"))
            return ""
        value = value.strip()
        if required and not value:
            self.error(field, _("必填"))
        elif len(value) > max_length:
            self.error(field, _("不能超过%(n)d个字符") % {"n": max_length})
        return value

    def choice(self, field: str, choices, *, default: str | None = None) -> str | None:
        value = self.data.get(field)
        if value in (None, ""):
            if default is None:
                self.error(field, _("必填"))
            return default
        if value not in choices:
            self.error(field, _("应为：%(choices)s") % {"choices": ", ".join(choices)})
            return default
        return value

    def boolean(self, field: str) -> bool:
        value = self.data.get(field, False)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "1", "yes", "false", "0", "no", ""}:
            return value.strip().lower() in {"true", "1", "yes"}
        self.error(field, _("应为 true 或 false"))
        return False

    def number(self, field: str, low: float, high: float) -> float | None:
        value = self.data.get(field)
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            self.error(field, _("应为数字"))
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.error(field, _("应为数字"))
            return None
        if not math.isfinite(number) or not low <= number <= high:
            self.error(field, _("应在%(low)s到%(high)s之间") % {"low": low, "high": high})
            return None
        return number


def _clean_received_at(form: _Form, actor, now: datetime) -> datetime:
    value = form.data.get("received_at")
    if value in (None, ""):
        return now
    if not (actor is None or (_is_user(actor) and actor.role == Role.OPERATOR)):
        form.error("received_at", _("只有热线话务员可以填写来电时间"))
        return now
    parsed = (
        value if isinstance(value, datetime) else parse_datetime(value) if isinstance(value, str) else None
    )
    if parsed is None:
        form.error("received_at", _("应为 ISO 8601 时间，如 2026-05-06T09:30:00+08:00"))
        return now
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > now + CLOCK_SKEW:
        form.error("received_at", _("来电时间不能晚于当前时间"))
    elif parsed < now - timedelta(days=_received_at_max_days()):
        form.error("received_at", _("来电时间不能早于%(n)d天前") % {"n": _received_at_max_days()})
    return parsed


def _clean_channel(form: _Form, actor) -> str:
    value = form.data.get("channel")
    if value in (None, ""):
        if _is_user(actor):
            return DEFAULT_CHANNEL_FOR_ROLE.get(actor.role, Channel.WEB)
        return Channel.WEB
    if value not in Channel.values:
        form.error("channel", _("应为：%(choices)s") % {"choices": ", ".join(Channel.values)})
        return Channel.WEB
    if value != Channel.WEB and not _is_staff(actor):
        form.error("channel", _("只有工作人员可以指定渠道"))
        return Channel.WEB
    return value


def _clean_matter(form: _Form) -> Matter | None:
    code = form.data.get("matter")
    if code in (None, ""):
        return None
    matter = Matter.objects.filter(code=str(code), is_active=True).first()
    if matter is None:
        form.error("matter", _("事项编码不存在：%(code)s") % {"code": code})
    elif matter.level != 3:
        form.error("matter", _("请选择小类事项（职责清单第三级）"))
        return None
    return matter


def _clean_contact(form: _Form, actor, *, anonymous: bool) -> tuple[str, str]:
    name = form.text("contact_name", max_length=NAME_MAX)
    phone = "".join(form.text("contact_phone", max_length=32).split())
    reporter = _is_user(actor) and actor.role in (Role.CITIZEN, Role.GRID_WORKER)
    if reporter and not anonymous:  # citizens and grid workers report for themselves: their own details
        name = name or actor.display_name or actor.get_full_name() or actor.username
        phone = phone or "".join((actor.phone or "").split())
    if phone and not is_valid_phone(phone):
        form.error("contact_phone", _("电话号码格式不正确"))
    elif not phone and not anonymous:
        form.error("contact_phone", _("请填写联系电话，或选择匿名"))
    if not name and not anonymous:
        form.error("contact_name", _("请填写联系人，或选择匿名"))
    return name, phone


def _clean(data: dict, actor, now: datetime) -> dict:
    if not isinstance(data, dict):
        raise ApplicationError(_("输入有误"), errors={"non_field_errors": [_("应为 JSON 对象")]})
    form = _Form(data)
    values = {
        "title": form.text("title", max_length=TITLE_MAX, required=True),
        "description": form.text("description", max_length=DESCRIPTION_MAX),
        "kind": form.choice("kind", ComplaintKind.values),
        "urgency": form.choice("urgency", Urgency.values, default=Urgency.NORMAL),
        "address": form.text("address", max_length=ADDRESS_MAX),
        "anonymous": form.boolean("anonymous"),
        "lat": form.number("lat", -90, 90),
        "lng": form.number("lng", -180, 180),
        "matter": _clean_matter(form),
        "channel": _clean_channel(form, actor),
        "received_at": _clean_received_at(form, actor, now),
    }
    values["contact_name"], values["contact_phone"] = _clean_contact(
        form, actor, anonymous=values["anonymous"]
    )
    for one, other in (("lat", "lng"), ("lng", "lat")):
        if values[one] is not None and values[other] is None and other not in form.errors:
            form.error(other, _("经纬度须同时填写"))
    located = values["lat"] is not None and values["lng"] is not None
    unlocated = not located and not values["address"] and not {"lat", "lng", "address"} & set(form.errors)
    if values["kind"] != ComplaintKind.CONSULT and unlocated:
        form.error("location", _("请填写位置（经纬度或地址）"))
    code = form.text("enterprise_credit_code", max_length=64).upper()
    if code:
        for message in uscc_errors(code):
            form.error("enterprise_credit_code", message)
    values["enterprise_credit_code"] = code
    answer = form.text("answer", max_length=DESCRIPTION_MAX)
    if answer and not (_is_user(actor) and actor.role in (Role.OPERATOR, Role.DISPATCHER)):
        form.error("answer", _("只有话务员或派单员可以直接答复"))
    elif answer and values["kind"] != ComplaintKind.CONSULT:
        form.error("answer", _("只有咨询类诉求可以直接答复"))
    values["answer"] = answer
    if form.errors:
        raise ApplicationError(_("诉求信息有误"), errors=form.errors)
    return values


def _locate(lat: float | None, lng: float | None) -> dict:
    """Grid cell, community and street at the point; empty when there is no point or it lies outside."""
    if lat is None or lng is None:
        return {}
    hit = grid_for_point(lat, lng)
    if hit is None:
        return {}
    divisions = {
        d.code: d for d in Division.objects.filter(code__in=[c for c in (hit.community, hit.street) if c])
    }
    return {
        "grid": GridCell.objects.filter(pk=hit.grid_id).first(),
        "community": divisions.get(hit.community),
        "street": divisions.get(hit.street),
    }


def _route_on_commit(complaint_id: int) -> None:
    from grievance.tasks import complaint_route

    enqueue(complaint_route, complaint_id)


@transaction.atomic
def complaint_submit(*, actor, data: dict, now: datetime | None = None, client_name: str = "") -> Complaint:
    """Validate ``data`` (API.md "Complaints"), store the complaint and its "submit" event, queue routing.

    ``actor``: the user submitting (an ``AnonymousUser`` for anonymous citizens), or None for a trusted
    internal caller, which alone may name the outside system it speaks for (``client_name``, e.g. an
    Open311 client). Raises ``ApplicationError`` with field errors; nothing is written then.
    """
    now = now or timezone.now()
    values = _clean(data, actor, now)
    if actor is None and client_name:
        values["client_name"] = client_name[:64]
    user = actor if _is_user(actor) else None
    matter: Matter | None = values.pop("matter")
    answer = values.pop("answer")
    suggested = None
    if matter is None:
        suggested = suggestion_confident(
            routing_suggest(
                title=values["title"], description=values["description"], lat=values["lat"], lng=values["lng"]
            )
        )
        matter = Matter.objects.filter(code=suggested.matter).first() if suggested else None
    rule = (
        matter_rule_in_force(matter=matter, at=timezone.localdate(values["received_at"])) if matter else None
    )
    signals = crisis_signals(f"{values['title']} {values['description']}")

    complaint = Complaint.objects.create(
        **values,
        **_locate(values["lat"], values["lng"]),
        matter=matter,
        matter_rule=rule,
        matter_suggested=suggested is not None and matter is not None,
        citizen=user if user is not None and user.role == Role.CITIZEN else None,
        created_by=user,
    )
    payload = {"channel": complaint.channel}
    if complaint.client_name:
        payload["client"] = complaint.client_name
    if suggested is not None:
        payload["suggested_matter"] = suggested.matter
        payload["suggested_score"] = suggested.score
    if signals:
        payload["crisis_signals"] = signals
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=user,
        action="submit",
        from_status="",
        to_status=complaint.status,
        payload=payload,
    )
    if answer:
        from grievance.services.transitions import complaint_transition

        complaint = complaint_transition(
            complaint_id=complaint.pk, action="answer", actor=actor, params={"answer": answer}, now=now
        )
    complaint_id = complaint.pk
    transaction.on_commit(lambda: _route_on_commit(complaint_id))
    return complaint
