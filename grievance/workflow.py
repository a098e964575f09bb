"""The complaint state machine, as data (ARCHITECTURE.md §4).

No queries here. ``grievance.services.transitions.complaint_transition`` is the only code that applies
this table: it computes the actor's roles on the complaint, looks the (status, action) pair up
(deny by default), runs the guards, and writes the new status with an event in one transaction.

A transition's ``target`` is either a status or, for branching actions, a mapping from the value of
the parameter named by ``branch_on`` to a status (e.g. ``verify`` with ``passed`` true/false).
``None`` as a target keeps the current status (the action records facts without moving the state).
"""

from dataclasses import dataclass, field

from grievance.models.complaints import Status

S = Status


class ActorRole:
    """Roles an actor can hold *on one complaint* (computed by the transition service)."""

    SYSTEM = "system"  # Celery tasks and the intake pipeline
    DISPATCHER = "dispatcher"  # command centre
    OPERATOR = "operator"  # hotline operator
    LEAD = "lead_handler"  # handler or leader of the active lead unit
    CO = "co_handler"  # handler or leader of an active co-handling unit
    GRID_WORKER = "grid_worker"  # worker of the complaint's grid cell
    CITIZEN = "citizen"  # the citizen who submitted it
    SUPERVISOR = "supervisor"  # reads everything, acts on nothing

    ALL = (SYSTEM, DISPATCHER, OPERATOR, LEAD, CO, GRID_WORKER, CITIZEN, SUPERVISOR)


R = ActorRole

# Statuses in which a unit is working on the complaint.
WORKING = (S.DISPATCHED, S.IN_PROGRESS)
# Statuses in which the deadline ladder runs.
CLOCKED = (S.DISPATCHED, S.IN_PROGRESS)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | dict | None
    roles: tuple[str, ...]
    label: str
    required: tuple[str, ...] = ()  # parameters that must be present and non-empty
    branch_on: str | None = None
    guards: tuple[str, ...] = field(default=())  # names of guard functions in services.guards
    notifies: bool = True

    def target_for(self, params: dict, current: str) -> str:
        if self.target is None:
            return current
        if isinstance(self.target, dict):
            key = params.get(self.branch_on)
            if isinstance(key, bool):
                key = "true" if key else "false"
            return self.target[key]
        return self.target


DISPOSITION_TARGETS = {
    "transferred_110": S.TRANSFERRED,
    "transferred_119": S.TRANSFERRED,
    "transferred_120": S.TRANSFERRED,
    "transferred_122": S.TRANSFERRED,
    "referred": S.REFERRED,
    "invalid": S.INVALID,
    "abusive": S.INVALID,
    "out_of_scope": S.INVALID,
    "privacy": S.REFERRED,
    "repeat": S.DUPLICATE,
    "withdrawn": S.WITHDRAWN,
}

TRANSITIONS: tuple[Transition, ...] = (
    Transition("queue", (S.SUBMITTED,), S.PENDING_DISPATCH, (R.SYSTEM,), "转人工派单", notifies=False),
    Transition(
        "dispatch",
        (S.SUBMITTED, S.PENDING_DISPATCH, S.DISPATCHED, S.IN_PROGRESS),
        S.DISPATCHED,
        (R.SYSTEM, R.DISPATCHER),
        "派单",
        required=("unit",),
        guards=("unit_can_lead", "co_units_valid"),
    ),
    Transition("sign", (S.DISPATCHED,), S.IN_PROGRESS, (R.LEAD,), "签收"),
    Transition(
        "return",
        (S.DISPATCHED, S.IN_PROGRESS),
        S.PENDING_DISPATCH,
        (R.LEAD,),
        "退单",
        required=("reason",),
        guards=("within_return_window",),
    ),
    Transition(
        "request_extension",
        (S.IN_PROGRESS,),
        None,
        (R.LEAD,),
        "申请延期",
        required=("days", "reason"),
        guards=("no_pending_extension", "extension_within_cap", "not_overdue_for_extension"),
    ),
    Transition(
        "approve_extension",
        (S.IN_PROGRESS,),
        None,
        (R.DISPATCHER,),
        "同意延期",
        guards=("has_pending_extension",),
    ),
    Transition(
        "reject_extension",
        (S.IN_PROGRESS,),
        None,
        (R.DISPATCHER,),
        "驳回延期",
        guards=("has_pending_extension",),
    ),
    Transition("co_reply", (S.DISPATCHED, S.IN_PROGRESS), None, (R.CO,), "协办回复", required=("reply",)),
    Transition("submit_result", (S.IN_PROGRESS,), S.HANDLED, (R.LEAD,), "提交办理结果", required=("result",)),
    Transition(
        "verify",
        (S.HANDLED,),
        {"true": S.REVIEWING, "false": S.IN_PROGRESS},
        (R.DISPATCHER, R.GRID_WORKER),
        "核查",
        required=("passed",),
        branch_on="passed",
    ),
    Transition(
        "return_visit",
        (S.REVIEWING,),
        {"true": S.CLOSED, "false": S.REVIEWING},
        (R.DISPATCHER, R.OPERATOR),
        "回访",
        required=("resolved", "satisfaction"),
        branch_on="_visit_ok",
    ),
    Transition(
        "reopen", (S.REVIEWING, S.CLOSED), S.IN_PROGRESS, (R.DISPATCHER,), "重办", required=("reason",)
    ),
    Transition("close", (S.HANDLED, S.REVIEWING), S.CLOSED, (R.DISPATCHER,), "结案"),
    Transition(
        "answer",
        (S.SUBMITTED, S.PENDING_DISPATCH),
        S.ANSWERED,
        (R.OPERATOR, R.DISPATCHER),
        "直接答复",
        required=("answer",),
        guards=("is_consultation",),
    ),
    Transition(
        "merge",
        (S.SUBMITTED, S.PENDING_DISPATCH, S.DISPATCHED),
        S.DUPLICATE,
        (R.DISPATCHER,),
        "并单",
        required=("into",),
        guards=("merge_target_valid",),
    ),
    Transition(
        "dispose",
        (S.SUBMITTED, S.PENDING_DISPATCH),
        DISPOSITION_TARGETS,
        (R.DISPATCHER, R.OPERATOR),
        "不予派单处置",
        required=("disposition",),
        branch_on="disposition",
    ),
    Transition(
        "escalate",
        (S.DISPATCHED, S.IN_PROGRESS),
        {"unit": S.DISPATCHED, "centre": S.PENDING_DISPATCH},
        (R.LEAD, R.GRID_WORKER),
        "上报上级",
        branch_on="_escalate_to",
        guards=("territorial_lead",),
    ),
    Transition(
        "resolve_on_spot",
        (S.SUBMITTED, S.PENDING_DISPATCH, S.DISPATCHED, S.IN_PROGRESS),
        S.CLOSED,
        (R.GRID_WORKER,),
        "当场处置",
        required=("result",),
        guards=("has_photo",),
    ),
    Transition(
        "withdraw",
        (S.SUBMITTED, S.PENDING_DISPATCH, S.DISPATCHED, S.IN_PROGRESS),
        S.WITHDRAWN,
        (R.CITIZEN,),
        "撤回诉求",
    ),
    Transition("warn", CLOCKED, None, (R.SYSTEM,), "临期预警"),
    Transition("supervise", CLOCKED, None, (R.SYSTEM, R.DISPATCHER), "督办"),
    Transition(
        "psych_refer",
        (S.SUBMITTED, S.PENDING_DISPATCH, S.DISPATCHED, S.IN_PROGRESS),
        None,
        (R.DISPATCHER, R.OPERATOR, R.LEAD),
        "心理服务转介",
        guards=("not_already_referred",),
    ),
    # Mediation (DOMAIN.md §4): a dispute becomes a mediation case; the complaint waits in ``mediating``
    # until the case ends. Only ``mediation.services.complaint_link`` converts (it registers the case
    # first and passes its signed ticket); the case's outcome comes back as the system.
    Transition(
        "to_mediation",
        (S.PENDING_DISPATCH, S.DISPATCHED, S.IN_PROGRESS),
        S.MEDIATING,
        (R.DISPATCHER, R.LEAD),
        "转人民调解",
        guards=("mediation_case_registered",),
    ),
    Transition(
        "mediation_result",
        (S.MEDIATING,),
        {"closed": S.CLOSED, "in_progress": S.IN_PROGRESS, "pending_dispatch": S.PENDING_DISPATCH},
        (R.SYSTEM,),
        "调解结果",
        required=("outcome",),
        branch_on="_mediation_to",
    ),
)

# action → {source status → Transition}
TABLE: dict[str, dict[str, Transition]] = {}
for _t in TRANSITIONS:
    for _source in _t.sources:
        TABLE.setdefault(_t.action, {})[_source] = _t

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in TRANSITIONS))


def transition_for(action: str, status: str) -> Transition | None:
    """The transition for ``action`` from ``status``, or None (refused: deny by default)."""
    return TABLE.get(action, {}).get(status)


def action_notifies(action: str) -> bool:
    """Whether events of ``action`` notify anyone (actions outside the table, e.g. ``rate``, may)."""
    transitions = TABLE.get(action)
    return next(iter(transitions.values())).notifies if transitions else True


def allowed_actions(status: str, roles: set[str] | frozenset[str]) -> list[str]:
    """Actions the holder of ``roles`` may attempt from ``status`` (guards not evaluated)."""
    return [a for a in ACTIONS if (t := transition_for(a, status)) and roles.intersection(t.roles)]


def transition_targets(t: Transition) -> list[str]:
    """Every status ``t`` can lead to (none when it keeps the current status)."""
    if t.target is None:
        return []
    if isinstance(t.target, dict):
        return sorted(set(t.target.values()))
    return [t.target]


def state_diagram_mermaid() -> str:
    """The state diagram generated from the table, with Chinese labels (docs/lifecycle.md embeds it).

    Actions that keep the status (extensions, co-handler replies, warnings...) are not edges; the
    action table of docs/lifecycle.md lists them."""
    edges = {}
    for t in TRANSITIONS:
        for source in t.sources:
            for target in transition_targets(t):
                edges.setdefault((source, target), []).append(f"{t.action} {t.label}")
    used = {status for edge in edges for status in edge}
    lines = ["stateDiagram-v2"]
    lines += [f'    state "{status.label}" as {status.value}' for status in S if status.value in used]
    lines.append(f"    [*] --> {S.SUBMITTED.value}")
    for (source, target), labels in edges.items():
        lines.append(f"    {source} --> {target}: {' / '.join(dict.fromkeys(labels))}")
    return "\n".join(lines)
