"""Write docs/lifecycle.md from the workflow table (grievance/workflow.py), so the documentation of
the complaint lifecycle can never drift from the code: a test compares the committed file with
``lifecycle_markdown()``."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from grievance.models.complaints import OPEN_STATUSES, Status
from grievance.workflow import CLOCKED, TRANSITIONS, ActorRole, Transition, state_diagram_mermaid

DEFAULT_OUTPUT = Path(settings.BASE_DIR) / "docs" / "lifecycle.md"

ROLE_LABELS = {
    ActorRole.SYSTEM: "系统（自动）",
    ActorRole.DISPATCHER: "指挥中心派单员",
    ActorRole.OPERATOR: "热线话务员",
    ActorRole.LEAD: "主办单位",
    ActorRole.CO: "协办单位",
    ActorRole.GRID_WORKER: "所在网格网格员",
    ActorRole.CITIZEN: "诉求人本人",
    ActorRole.SUPERVISOR: "督查（只读）",
}
GUARD_LABELS = {
    "unit_can_lead": "承办单位存在、启用且不是指挥中心",
    "co_units_valid": "协办单位启用且不同于主办单位",
    "within_return_window": "在退单时限内（派单后规则规定的工作日数，默认2个）",
    "no_pending_extension": "没有待审批的延期申请",
    "extension_within_cap": "单次及累计延期不超过事项规则上限（默认10个工作日）",
    "not_overdue_for_extension": "办理期限尚未届满",
    "has_pending_extension": "有待审批的延期申请",
    "is_consultation": "诉求类型为咨询",
    "merge_target_valid": "目标诉求存在、不是本诉求且仍在办理",
    "territorial_lead": "主办单位为网格、社区或街道",
    "has_photo": "附有处置后照片（`photos`：本诉求的图片附件编号）",
    "not_already_referred": "尚未转介心理服务",
}
BRANCH_LABELS = {
    "passed": {"true": "核查通过", "false": "核查未通过"},
    "_visit_ok": {"true": "已解决且满意/基本满意", "false": "未解决或不满意"},
    "_escalate_to": {"unit": "有上级单位（网格→社区→街道）", "centre": "街道或无上级：回指挥中心"},
}
PARAM_LABELS = {"_visit_ok": "resolved + satisfaction", "_escalate_to": "主办单位层级"}


def _status(value: str) -> str:
    return f"{Status(value).label}（`{value}`）"


def _targets(t: Transition) -> str:
    if t.target is None:
        return "不变"
    if isinstance(t.target, str):
        return _status(t.target)
    names = BRANCH_LABELS.get(t.branch_on, {})
    by_target: dict[str, list[str]] = {}
    for key, target in t.target.items():
        by_target.setdefault(target, []).append(names.get(key, f"`{key}`"))
    return "；".join(f"{'、'.join(keys)} → {Status(target).label}" for target, keys in by_target.items())


def _row(t: Transition) -> str:
    cells = [
        f"`{t.action}`",
        t.label,
        "、".join(ROLE_LABELS[r] for r in t.roles),
        "、".join(str(Status(s).label) for s in t.sources),
        _targets(t),
        "、".join(f"`{p}`" for p in t.required) or "—",
        "；".join(GUARD_LABELS.get(g, g) for g in t.guards) or "—",
    ]
    return "| " + " | ".join(cells) + " |"


def lifecycle_markdown() -> str:
    """docs/lifecycle.md as generated from the table (labels in Chinese whatever the active language)."""
    with translation.override("zh-hans"):
        lines = [
            "# 诉求生命周期（complaint lifecycle）",
            "",
            "> 本文件由 `python manage.py workflow_diagram` 根据 `grievance/workflow.py` 的流转表生成，"
            "请勿手工修改；测试会检查它与代码一致。",
            "",
            "每一次状态变化都经由唯一的服务 `grievance.services.transitions.complaint_transition`："
            "锁定诉求行，查表（表中没有的一律拒绝），核对操作人在该诉求上的角色（否则 403），"
            "核对当前状态（否则 409）、参数（否则 400）和前置条件（否则 409，并给出原因），"
            "然后在同一事务中写入新状态和一条事件记录，提交后再发通知等后续任务。",
            "",
            "## 状态图",
            "",
            "```mermaid",
            state_diagram_mermaid(),
            "```",
            "",
            "不改变状态的操作（延期申请与审批、协办回复、预警、督办、心理服务转介）只记事件、不画边，"
            "见下表。",
            "",
            "## 状态",
            "",
            "| 状态 | 编码 | 类别 |",
            "|---|---|---|",
        ]
        for status in Status:
            if status in CLOCKED:
                kind = "办理中（计时、督办）"
            elif status in OPEN_STATUSES:
                kind = "未结"
            else:
                kind = "终结"
            lines.append(f"| {status.label} | `{status.value}` | {kind} |")
        lines += [
            "",
            "## 操作",
            "",
            "| 操作 | 名称 | 可执行角色 | 起始状态 | 目标状态 | 必填参数 | 前置条件 |",
            "|---|---|---|---|---|---|---|",
            *(_row(t) for t in TRANSITIONS),
            "",
            "## 角色",
            "",
            "角色按操作人与这件诉求的关系逐件计算（`grievance.selectors.access.complaint_actor_roles`）：",
            "",
            "| 角色 | 说明 |",
            "|---|---|",
            *(f"| `{role}` | {ROLE_LABELS[role]} |" for role in ActorRole.ALL),
            "",
        ]
    return "\n".join(str(line) for line in lines)


class Command(BaseCommand):
    help = "根据流转表生成 docs/lifecycle.md（状态图与操作表）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="file to write")
        parser.add_argument("--check", action="store_true", help="fail if the file is not up to date")

    def handle(self, *args, output, check, **options):
        path = Path(output)
        content = lifecycle_markdown()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                raise CommandError(f"{path} is out of date: run `python manage.py workflow_diagram`")
            self.stdout.write(f"{path} is up to date")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
