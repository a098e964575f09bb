"""The credit-repair workflow (信用修复), as data. No queries here.

``credit.services.repair.repair_transition`` is the only code that applies this table: it computes the
actor's roles, looks the (status, action) pair up (deny by default), checks required parameters and
the guards, writes the new status, the effects and an audit event in one transaction.

Conditions for applying (DOMAIN.md §5) are data too: ``REPAIR_CONDITIONS`` lists them in the order
they are shown; ``repair_conditions_check`` evaluates them from plain facts the service gathers.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from credit.models.choices import RepairStatus

S = RepairStatus
NEW = ""  # the "status" of an application that does not exist yet


class RepairRole:
    SUBJECT = "subject"  # a user acting for the subject (CreditSubject.accounts)
    DEPARTMENT = "department"  # a member of the record's source department
    OFFICER = "officer"  # credit officer or administrator


R = RepairRole


@dataclass(frozen=True)
class RepairTransition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    label: str
    required: tuple[str, ...] = ()
    checks_conditions: bool = False
    withdraws_record: bool = False


REPAIR_TRANSITIONS: tuple[RepairTransition, ...] = (
    RepairTransition(
        "apply",
        (NEW,),
        S.SUBMITTED,
        (R.SUBJECT, R.DEPARTMENT, R.OFFICER),
        "申请信用修复",
        required=("duties_evidence", "commitment_text"),
        checks_conditions=True,
    ),
    RepairTransition("accept", (S.SUBMITTED,), S.REVIEWING, (R.OFFICER,), "受理审核"),
    RepairTransition("approve", (S.REVIEWING,), S.APPROVED, (R.OFFICER,), "同意修复", withdraws_record=True),
    RepairTransition("reject", (S.SUBMITTED, S.REVIEWING), S.REJECTED, (R.OFFICER,), "不予修复", ("note",)),
    RepairTransition("cancel", (S.SUBMITTED, S.REVIEWING), S.CANCELLED, (R.SUBJECT, R.OFFICER), "撤回申请"),
)

OPEN_STATUSES = (S.SUBMITTED, S.REVIEWING)


def repair_transition_find(*, status: str, action: str) -> RepairTransition | None:
    for transition in REPAIR_TRANSITIONS:
        if transition.action == action and status in transition.sources:
            return transition
    return None


def repair_actions(status: str) -> list[str]:
    return [t.action for t in REPAIR_TRANSITIONS if status in t.sources]


@dataclass(frozen=True)
class RepairFacts:
    """What the conditions are judged on; the service reads these from the record and the request."""

    today: date
    repairable: bool
    min_until: date
    public_now: bool
    duties_fulfilled: bool
    commitment_text: str
    open_application: bool


REPAIR_CONDITIONS: tuple[tuple[str, str], ...] = (
    ("repairable", _("该类信息依规可以修复")),
    ("public", _("信息仍在公示期内")),
    ("minimum_served", _("已满最短公示期")),
    ("duties_fulfilled", _("已履行行政处罚等法定义务")),
    ("commitment", _("已作出公开信用承诺")),
    ("no_open_application", _("该记录没有正在办理的修复申请")),
)

_CHECKS = {
    "repairable": lambda f: f.repairable,
    "public": lambda f: f.public_now,
    "minimum_served": lambda f: f.today >= f.min_until,
    "duties_fulfilled": lambda f: f.duties_fulfilled,
    "commitment": lambda f: len(f.commitment_text.strip()) >= 10,
    "no_open_application": lambda f: not f.open_application,
}


def repair_conditions_check(facts: RepairFacts) -> list[dict]:
    """Every condition with whether it is met: ``[{"code", "label", "met"}]`` in REPAIR_CONDITIONS order."""
    return [
        {"code": code, "label": str(label), "met": bool(_CHECKS[code](facts))}
        for code, label in REPAIR_CONDITIONS
    ]
