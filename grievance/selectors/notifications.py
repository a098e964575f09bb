"""Reads for notifications: who is addressed for a complaint (units, centre, citizens) and the
in-app list of a user."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from accounts.models import Role, User
from grids.models import Unit, UnitKind, UnitRole
from grievance.models.attachments import ComplaintSupport
from grievance.models.complaints import Complaint
from grievance.models.notifications import Notification, NotificationChannel


@dataclass(frozen=True)
class CitizenContact:
    """A complainant to inform: an account (in-app), a phone (SMS), or both."""

    user: User | None
    phone: str


def unit_member_users(*, units: Iterable[Unit], roles: Iterable[str] | None = None) -> list[User]:
    """Active members of ``units`` holding one of ``roles`` (all members when ``roles`` is None)."""
    unit_ids = [u.pk for u in units if u is not None]
    if not unit_ids:
        return []
    # One filter() call: the unit and the role must hold for the same membership row.
    membership = {"memberships__unit_id__in": unit_ids}
    if roles is not None:
        membership["memberships__role__in"] = list(roles)
    return list(User.objects.filter(is_active=True, **membership).distinct().order_by("pk"))


def unit_handler_users(*, units: Iterable[Unit]) -> list[User]:
    """The units' handlers; a unit without handlers is reached through its other members."""
    units = [u for u in units if u is not None]
    result: dict[int, User] = {}
    for unit in units:
        users = unit_member_users(units=[unit], roles=[UnitRole.HANDLER]) or unit_member_users(units=[unit])
        result.update((u.pk, u) for u in users)
    return list(result.values())


def unit_leader_users(*, units: Iterable[Unit]) -> list[User]:
    return unit_member_users(units=units, roles=[UnitRole.LEADER])


def centre_users(*, include_operators: bool = False) -> list[User]:
    """The command centre: dispatchers (and hotline operators when asked) and members of centre units."""
    roles = [Role.DISPATCHER, Role.OPERATOR] if include_operators else [Role.DISPATCHER]
    members = Q(memberships__unit__kind=UnitKind.CENTRE, memberships__unit__is_active=True)
    return list(User.objects.filter(Q(role__in=roles) | members, is_active=True).distinct().order_by("pk"))


def supervisor_users() -> list[User]:
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk"))


def grid_worker_users(*, grid_id: int | None) -> list[User]:
    if grid_id is None:
        return []
    return list(User.objects.filter(grid_cells__pk=grid_id, is_active=True).distinct().order_by("pk"))


def units_by_code(*, codes: Iterable[str]) -> list[Unit]:
    codes = [c for c in codes if c]
    return list(Unit.objects.filter(code__in=codes)) if codes else []


def complaint_own_contact(*, complaint: Complaint) -> CitizenContact | None:
    """The complainant: their account (if active) and the contact phone given (or the account's)."""
    user = complaint.citizen if complaint.citizen_id and complaint.citizen.is_active else None
    phone = complaint.contact_phone or (user.phone if user else "")
    if user is None and not phone:
        return None
    return CitizenContact(user=user, phone=phone)


def _supporter_contacts(complaint: Complaint) -> list[CitizenContact]:
    """Citizens who added their support (附议) to the complaint."""
    contacts = []
    for support in ComplaintSupport.objects.filter(complaint=complaint).select_related("supporter"):
        user = support.supporter if support.supporter_id and support.supporter.is_active else None
        phone = support.contact_phone or (user.phone if user else "")
        if user is not None or phone:
            contacts.append(CitizenContact(user=user, phone=phone))
    return contacts


def complaint_citizen_contacts(*, complaint: Complaint, with_merged: bool = True) -> list[CitizenContact]:
    """Everyone to inform of the complaint's outcome: its complainant, its supporters and (``with_merged``)
    the complainants of the duplicates merged into it. Each account and each phone appears once."""
    contacts: list[CitizenContact | None] = [
        complaint_own_contact(complaint=complaint),
        *_supporter_contacts(complaint),
    ]
    if with_merged:
        for duplicate in Complaint.objects.filter(merged_into=complaint).select_related("citizen"):
            contacts.append(complaint_own_contact(complaint=duplicate))
            contacts.extend(_supporter_contacts(duplicate))
    seen_users: set[int] = set()
    seen_phones: set[str] = set()
    result = []
    for contact in contacts:
        if contact is None or (contact.user is not None and contact.user.pk in seen_users):
            continue
        phone = contact.phone if contact.phone not in seen_phones else ""
        if contact.user is None and not phone:
            continue  # this phone is already informed
        if contact.user is not None:
            seen_users.add(contact.user.pk)
        if phone:
            seen_phones.add(phone)
        result.append(CitizenContact(user=contact.user, phone=phone))
    return result


def notification_list_for_user(*, user: User, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's in-app notifications, newest first."""
    qs = Notification.objects.filter(recipient=user, channel=NotificationChannel.IN_APP).select_related(
        "complaint"
    )
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.order_by("-created_at", "-id")
