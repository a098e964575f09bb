"""The world the security tests probe: ``tests.grievance.actors`` plus a mediation world, a credit
officer, and objects that belong to *someone else* — each carrying unique markers that must never
appear in an answer to a person who may not see the object.

- ``foreign``: citizen1's complaint located in ``territory.grid``, dispatched to department A
  (PS-CG, handler ``other_handler``) alone, with a photo; contact ``FOREIGN_NAME`` / ``FOREIGN_PHONE``.
- ``own``: a complaint dispatched to the community workstation (``lead``'s unit): visible to ``lead``,
  used to mix ids (their complaint, someone else's attachment).
- ``notice``: an in-app notification addressed to ``other_handler`` only.
- ``case``: a mediation case of the 坪山 street committee (mediator ``m-one``); its parties' names,
  ID numbers and phones are markers too.

``PROBERS`` names the people who probe (``None`` = anonymous); each target lists which of them must
be refused.
"""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from grievance.models import Notification, NotificationChannel
from grievance.services.attachments import attachment_add
from tests.grievance.actors import World, actors, complaint_in
from tests.grievance.factories import UserFactory
from tests.security.images import PNG

FOREIGN_TITLE = "MARKER-F 化粪池外溢"
FOREIGN_NAME = "保密人甲乙"
FOREIGN_PHONE = "13700009999"
NOTICE_TITLE = "MARKER-N 仅限收件人"

# People who read every complaint by design (the centre, supervisors, administrators).
READ_ALL = frozenset({"operator", "dispatcher", "supervisor", "admin"})
PROBERS = (
    "anonymous",
    "citizen",
    "handler",
    "leader",
    "co_handler",
    "community_staff",
    "grid_worker",
    "mediator",
    "credit_officer",
    "operator",
    "dispatcher",
    "supervisor",
    "admin",
)


@dataclass
class SecurityWorld:
    world: World
    users: dict  # prober name → User (anonymous → None)
    foreign: object
    own: object
    foreign_attachment: object
    notice: Notification
    case: object = None
    case_markers: tuple = ()
    markers: dict = field(default_factory=dict)  # target name → markers that must not leak


def security_world(*, with_mediation: bool = True) -> SecurityWorld:
    w = actors()
    foreign = complaint_in(
        w,
        "in_progress",
        lead=w.dept_a,
        co_units=[],
        title=FOREIGN_TITLE,
        contact_name=FOREIGN_NAME,
        contact_phone=FOREIGN_PHONE,
    )
    own = complaint_in(w, "in_progress")
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    attachment = attachment_add(complaint=foreign, file=photo, actor=w.other_handler)
    notice = Notification.objects.create(
        recipient=w.other_handler,
        complaint=foreign,
        kind="dispatch",
        channel=NotificationChannel.IN_APP,
        title=NOTICE_TITLE,
        body=NOTICE_TITLE,
        idempotency_key="security-matrix-notice",
    )
    users = {
        "anonymous": None,
        "citizen": w.other_citizen,
        "handler": w.lead,
        "leader": w.leader,
        "co_handler": w.co,
        "community_staff": w.street_handler,
        "grid_worker": w.other_grid_worker,
        "credit_officer": UserFactory(username="credit-probe", role=Role.CREDIT_OFFICER),
        "operator": w.operator,
        "dispatcher": w.dispatcher,
        "supervisor": w.supervisor,
        "admin": w.admin,
    }
    sw = SecurityWorld(
        world=w, users=users, foreign=foreign, own=own, foreign_attachment=attachment, notice=notice
    )
    sw.markers["complaint"] = (FOREIGN_TITLE, FOREIGN_NAME, FOREIGN_PHONE, foreign.tracking_code)
    sw.markers["notification"] = (NOTICE_TITLE,)
    if with_mediation:
        _mediation_add(sw)
    else:
        users["mediator"] = UserFactory(username="mediator-probe", role=Role.MEDIATOR)
    return sw


def _mediation_add(sw: SecurityWorld) -> None:
    from tests.mediation.factories import PERSON_A, PERSON_B, case_new, mediation_world

    mw = mediation_world()
    sw.users["mediator"] = mw.other_mediator  # a mediator of another organisation
    sw.case = case_new(mw)
    sw.markers["case"] = (PERSON_A, PERSON_B, "13900001111", "张三丰")
