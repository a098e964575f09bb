"""What citizens add to an existing complaint: support (附议) and their own rating (评价).

Neither changes the status, so neither goes through ``complaint_transition``; each locks the complaint
row, writes its fields and one event in the same transaction.

- Support: a citizen who reports the same thing joins the open complaint instead of filing a new one;
  ``support_count`` grows by one, a ``ComplaintSupport`` row remembers whom to inform of the outcome,
  and the same phone (or user) supports a complaint at most once.
- Rating: once per complaint, only after a result exists (handled, reviewing or closed); it records
  ``resolved``, ``satisfaction`` and ``citizen_rated_at``. A later return visit by the centre may
  overwrite resolved/satisfaction (the centre's visit is the record of evaluation), never the time.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from common.exceptions import ApplicationError, ConflictError, NotFoundError
from common.queue import enqueue
from common.validators import is_valid_phone
from grievance.models import OPEN_STATUSES, Complaint, ComplaintEvent, ComplaintSupport, Satisfaction, Status

RATEABLE_STATUSES = (Status.HANDLED, Status.REVIEWING, Status.CLOSED)
COMMENT_MAX = 1000


def _lock(complaint_id: int) -> Complaint:
    complaint = Complaint.objects.select_for_update(of=("self",)).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundError(_("诉求不存在"))
    return complaint


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def complaint_support_add(
    *, complaint_id: int, actor, contact_name: str = "", contact_phone: str = "", now: datetime | None = None
) -> ComplaintSupport:
    """Add ``actor``'s support (an anonymous caller gives name and phone) to an open complaint."""
    now = now or timezone.now()
    user = _user(actor)
    name = (contact_name or "").strip() or (user.display_name or user.username if user else "")
    phone = "".join((contact_phone or "").split()) or ("".join((user.phone or "").split()) if user else "")
    errors = {}
    if not phone:
        errors["contact_phone"] = [_("请填写联系电话，以便告知办理结果")]
    elif not is_valid_phone(phone):
        errors["contact_phone"] = [_("电话号码格式不正确")]
    if len(name) > 64:
        errors["contact_name"] = [_("不能超过64个字符")]
    if errors:
        raise ApplicationError(_("附议信息有误"), errors=errors)

    complaint = _lock(complaint_id)
    if complaint.status not in OPEN_STATUSES:
        raise ConflictError(_("该诉求已办结，不能再附议"))
    own = (user is not None and complaint.citizen_id == user.pk) or phone == complaint.contact_phone
    if own:
        raise ConflictError(_("不能附议自己提交的诉求"))
    same = Q(contact_phone=phone) | Q(supporter=user) if user is not None else Q(contact_phone=phone)
    if complaint.supports.filter(same).exists():
        raise ConflictError(_("您已附议过该诉求"))

    support = ComplaintSupport.objects.create(
        complaint=complaint, supporter=user, contact_name=name, contact_phone=phone
    )
    complaint.support_count += 1
    complaint.save(update_fields=["support_count", "updated_at"])
    ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=user,
        action="support",
        from_status=complaint.status,
        to_status=complaint.status,
        note=_("新增附议"),
        payload={"support_id": support.pk, "support_count": complaint.support_count},
    )
    return support


def _bool(value, field: str, errors: dict) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "1", "yes", "false", "0", "no"}:
        return value.strip().lower() in {"true", "1", "yes"}
    errors[field] = [_("应为 true 或 false")]
    return None


def _event_committed(event_id: int, notifies: bool) -> None:
    from grievance.tasks import complaint_event_committed

    enqueue(complaint_event_committed, event_id, notifies)


@transaction.atomic
def complaint_rate(
    *, complaint_id: int, resolved, satisfaction, comment: str = "", now: datetime | None = None
) -> Complaint:
    """Record the citizen's rating: once, and only after a result exists (409 otherwise)."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    resolved = _bool(resolved, "resolved", errors)
    if satisfaction not in Satisfaction.values:
        errors["satisfaction"] = [_("应为：%(choices)s") % {"choices": ", ".join(Satisfaction.values)}]
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = [_("应为文本")]
    elif len((comment or "").strip()) > COMMENT_MAX:
        errors["comment"] = [_("不能超过%(n)d个字符") % {"n": COMMENT_MAX}]
    if errors:
        raise ApplicationError(_("评价信息有误"), errors=errors)

    complaint = _lock(complaint_id)
    if complaint.citizen_rated_at is not None:
        raise ConflictError(_("该诉求已评价过"))
    if complaint.status not in RATEABLE_STATUSES:
        raise ConflictError(_("诉求尚未办结，暂不能评价"))
    complaint.resolved = resolved
    complaint.satisfaction = satisfaction
    complaint.citizen_rated_at = now
    complaint.save(update_fields=["resolved", "satisfaction", "citizen_rated_at", "updated_at"])
    event = ComplaintEvent.objects.create(
        complaint=complaint,
        at=now,
        actor=None,
        action="rate",
        from_status=complaint.status,
        to_status=complaint.status,
        note=(comment or "").strip(),
        payload={"resolved": resolved, "satisfaction": satisfaction},
        public=False,  # the comment is the citizen's own words: staff only, never on the public timeline
    )
    # The centre hears of an unhappy citizen (notification pipeline); a happy one only feeds statistics.
    notify = not resolved or satisfaction == Satisfaction.UNSATISFIED
    event_id = event.pk
    transaction.on_commit(lambda: _event_committed(event_id, notify))
    return complaint
