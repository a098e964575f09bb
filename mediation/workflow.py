"""The mediation case state machine, as data (ARCHITECTURE.md §3; DOMAIN.md §4).

applied ─accept→ accepted ─start→ mediating ─agree→ agreed ─close→ closed
   │ refuse → refused        │ terminate / party_refuses → failed (终止调解, legal channels told)
   └──────── withdraw ───────┴─ withdraw → withdrawn

No queries here. ``mediation.services.transitions.mediation_case_transition`` is the only code that
applies this table: it computes the actor's roles on the case, looks the (status, action) pair up (deny
by default), parses the parameters, runs the guards, applies the action's effect and writes the event.
Actions whose ``target`` is None record facts (sessions, extensions, the agreement, performance,
judicial confirmation, return visits) without moving the case: the same table says when and by whom.
"""

from dataclasses import dataclass

from mediation.models import CaseStatus

S = CaseStatus


class CaseRole:
    """Roles an actor can hold *on one case* (computed by ``mediation.selectors.access``)."""

    SYSTEM = "system"  # Celery tasks (reminders, time limits)
    DIRECTOR = "director"  # director (主任) of the case's organisation
    MEDIATOR = "mediator"  # a mediator on the case (active, not recused)
    MEMBER = "member"  # any mediator of the case's organisation
    SUPERVISOR = "supervisor"  # reads every case (masked), acts on none

    ALL = (SYSTEM, DIRECTOR, MEDIATOR, MEMBER, SUPERVISOR)


R = CaseRole
OPEN = (S.APPLIED, S.ACCEPTED, S.MEDIATING)
BEFORE_MEDIATION = (S.APPLIED, S.ACCEPTED)
UNDER_WAY = (S.ACCEPTED, S.MEDIATING)
AFTER_AGREEMENT = (S.AGREED, S.CLOSED)


@dataclass(frozen=True)
class CaseAction:
    action: str
    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    label: str
    required: tuple[str, ...] = ()  # parameters that must be present and non-empty
    guards: tuple[str, ...] = ()  # names of guard functions in mediation.services.guards

    def target_for(self, current: str) -> str:
        return current if self.target is None else self.target


TRANSITIONS: tuple[CaseAction, ...] = (
    # Registration and acceptance.
    CaseAction("accept", (S.APPLIED,), S.ACCEPTED, (R.DIRECTOR, R.MEMBER), "受理"),
    CaseAction("refuse", (S.APPLIED,), S.REFUSED, (R.DIRECTOR, R.MEMBER), "不予受理", required=("reason",)),
    CaseAction("add_party", OPEN, None, (R.DIRECTOR, R.MEMBER, R.MEDIATOR), "追加当事人"),
    CaseAction(
        "update_party", OPEN, None, (R.DIRECTOR, R.MEMBER, R.MEDIATOR), "补正当事人信息", required=("party",)
    ),
    CaseAction(
        "assign_mediator",
        OPEN,
        None,
        (R.DIRECTOR, R.MEMBER),
        "选定/指定调解员",
        required=("mediator", "how"),
        guards=("mediator_assignable",),
    ),
    CaseAction(
        "recuse_mediator",
        OPEN,
        None,
        (R.DIRECTOR, R.MEMBER, R.MEDIATOR),
        "调解员回避",
        required=("mediator", "reason"),
        guards=("mediator_on_case",),
    ),
    # Mediation.
    CaseAction("start", (S.ACCEPTED,), S.MEDIATING, (R.MEDIATOR,), "开始调解（告知权利义务）"),
    CaseAction(
        "schedule_session",
        UNDER_WAY,
        None,
        (R.MEDIATOR,),
        "安排调解会",
        required=("starts_at", "place"),
        guards=("session_in_future",),
    ),
    CaseAction(
        "record_session",
        (S.MEDIATING,),
        None,
        (R.MEDIATOR,),
        "记录调解会",
        required=("minutes",),
        guards=("session_recordable",),
    ),
    CaseAction("cancel_session", UNDER_WAY, None, (R.MEDIATOR,), "取消调解会", required=("session",)),
    CaseAction(
        "extend",
        UNDER_WAY,
        None,
        (R.MEDIATOR,),
        "延长调解期限",
        required=("days", "reason", "consents", "consent_record"),
        guards=("both_sides_consent",),
    ),
    CaseAction("draft_agreement", (S.MEDIATING,), None, (R.MEDIATOR,), "拟定调解协议"),
    CaseAction(
        "agree",
        (S.MEDIATING,),
        S.AGREED,
        (R.MEDIATOR,),
        "达成调解协议",
        guards=("agreement_complete", "parties_identified"),
    ),
    CaseAction(
        "terminate",
        UNDER_WAY,
        S.FAILED,
        (R.MEDIATOR, R.DIRECTOR),
        "终止调解",
        required=("reason", "legal_channels"),
    ),
    CaseAction(
        "party_refuses",
        OPEN,
        S.FAILED,
        (R.MEDIATOR, R.DIRECTOR, R.MEMBER),
        "当事人明确拒绝调解",
        required=("party", "reason"),
    ),
    CaseAction(
        "withdraw", OPEN, S.WITHDRAWN, (R.MEDIATOR, R.DIRECTOR, R.MEMBER), "申请人撤回", required=("reason",)
    ),
    # After the agreement.
    CaseAction(
        "record_performance",
        (S.AGREED,),
        None,
        (R.MEDIATOR,),
        "记录履行情况",
        required=("performance",),
    ),
    CaseAction(
        "record_confirmation",
        AFTER_AGREEMENT,
        None,
        (R.MEDIATOR, R.DIRECTOR),
        "记录司法确认",
        required=("confirmation",),
        guards=("confirmation_step_valid",),
    ),
    CaseAction(
        "return_visit", AFTER_AGREEMENT, None, (R.MEDIATOR, R.MEMBER), "回访", required=("note", "method")
    ),
    CaseAction(
        "close", (S.AGREED,), S.CLOSED, (R.MEDIATOR, R.DIRECTOR), "结案", guards=("performance_recorded",)
    ),
    # The system's reminders: events that record that a reminder went out.
    CaseAction("remind_session", UNDER_WAY, None, (R.SYSTEM,), "调解会提醒", required=("session",)),
    CaseAction("warn", OPEN, None, (R.SYSTEM,), "调解期限临近提醒", guards=("warning_due",)),
    CaseAction("note_overdue", OPEN, None, (R.SYSTEM,), "调解期限届满", guards=("overdue_unnoted",)),
    CaseAction(
        "remind_confirmation",
        (S.AGREED,),
        None,
        (R.SYSTEM,),
        "司法确认申请期限提醒",
        guards=("confirmation_reminder_due",),
    ),
    CaseAction(
        "remind_performance",
        (S.AGREED,),
        None,
        (R.SYSTEM,),
        "履行期限届满提醒",
        guards=("performance_reminder_due",),
    ),
)

# action → {source status → CaseAction}
TABLE: dict[str, dict[str, CaseAction]] = {}
for _t in TRANSITIONS:
    for _source in _t.sources:
        TABLE.setdefault(_t.action, {})[_source] = _t

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))
STATUS_ACTIONS = frozenset(t.action for t in TRANSITIONS if t.target is not None)
SYSTEM_ONLY = frozenset(t.action for t in TRANSITIONS if set(t.roles) == {R.SYSTEM})


def transition_for(action: str, status: str) -> CaseAction | None:
    """The entry for ``action`` from ``status``, or None (refused: deny by default)."""
    return TABLE.get(action, {}).get(status)


def allowed_actions(status: str, roles: set[str] | frozenset[str]) -> list[str]:
    """Actions the holder of ``roles`` may attempt from ``status`` (guards not evaluated)."""
    return [a for a in ACTIONS if (t := transition_for(a, status)) and roles.intersection(t.roles)]


def action_label(action: str) -> str:
    entries = TABLE.get(action)
    return next(iter(entries.values())).label if entries else action


def state_diagram_mermaid() -> str:
    """The case state diagram generated from the table (status-changing actions only)."""
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{status.label}" as {status.value}' for status in S]
    lines.append(f"    [*] --> {S.APPLIED.value}")
    edges: dict[tuple[str, str], list[str]] = {}
    for t in TRANSITIONS:
        if t.target is None:
            continue
        for source in t.sources:
            edges.setdefault((source, t.target), []).append(f"{t.action} {t.label}")
    for (source, target), labels in edges.items():
        lines.append(f"    {source} --> {target}: {' / '.join(labels)}")
    return "\n".join(lines)
