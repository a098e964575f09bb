"""Realistic generated complaints in bulk, for demos and benchmarks (``manage.py complaints_generate``).

Distributions: texts from the real messages of ``messages/`` (unlabelled + replies), handling times
from the real reply delays of ``replies.csv`` (scaled to a hotline's pace), top classes weighted by
the labelled messages, leaves and grid cells skewed (a few hot spots), channel mix ≈ 60 % hotline /
30 % patrols, repeat callers and enterprises with labour complaints. Each complaint gets the columns,
lead assignments and events the real lifecycle would have written (submit, dispatch, sign, result,
verification, return visit; some returns, reopenings, answered consultations and disposals), cut at
``end``: recent complaints are still open, some of them overdue.

Rows are written by ``grievance.demo.complaints_writer`` (PostgreSQL COPY in batches, ``bulk_create``
elsewhere, or the bulk load without secondary indexes). Ids are allocated above the current maximum;
tracking codes derive from the id (unique by construction). Guardian rights are not granted (generated
complaints are for statistics, not for handling). Same seed, same rows, whichever way they are written.
"""

import csv
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from pathlib import Path

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from common.validators import USCC_ALPHABET, org_code_check_char, uscc_check_char
from grids.models import GridCell, Unit, UnitKind
from grievance.demo.complaints_writer import Tables, tables_bulk_load, tables_load
from grievance.models import Assignment, Complaint, ComplaintEvent, Matter, MatterRule
from grievance.models.complaints import TRACKING_ALPHABET, TRACKING_LENGTH

H = timedelta(hours=1)
KINDS = {"complaint": 40, "help": 22, "consult": 16, "report": 10, "suggestion": 10, "thanks": 2}
CHANNELS = {"hotline": 60, "inspector": 16, "grid": 14, "web": 4, "app": 3, "wechat": 2, "leader_board": 1}
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 15, 13, 9, 10, 14, 15, 14, 12, 9, 8, 7, 5, 3, 2]
SATISFACTION = {"satisfied": 84, "basically_satisfied": 11, "unsatisfied": 5}
HOT_SHARE = 0.08  # complaints that belong to a hot spot (a recurring matter in one cell)
HANDLING_SCALE = 0.6  # a hotline answers faster than the message board the delays come from
WAGE_LEAF_NAMES = ("工资发放", "农民工权益")
_CODE_SPACE = len(TRACKING_ALPHABET) ** TRACKING_LENGTH
# Cumulative weights, computed once: ``choices(p, cum_weights=…)`` draws exactly as ``weights=`` does.
HOURS, HOUR_CUM = range(24), list(accumulate(HOUR_WEIGHTS))
_KINDS, _KINDS_CUM = list(KINDS), list(accumulate(KINDS.values()))
_CHANNELS, _CHANNELS_CUM = list(CHANNELS), list(accumulate(CHANNELS.values()))
_SATISFACTION, _SATISFACTION_CUM = list(SATISFACTION), list(accumulate(SATISFACTION.values()))


def tracking_code_for(pk: int) -> str:
    """A code from the id: a bijection on the code space, so distinct ids give distinct codes."""
    n = (pk * 0x5DEECE66D + 0xB) % _CODE_SPACE
    chars = []
    for _i in range(TRACKING_LENGTH):
        n, r = divmod(n, len(TRACKING_ALPHABET))
        chars.append(TRACKING_ALPHABET[r])
    return "".join(chars)


def uscc_for(rng: random.Random) -> str:
    """A valid unified social credit code of a Pingshan enterprise (91 + 440310 + org code)."""
    org = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _i in range(8))
    org += org_code_check_char(org)
    first17 = "91440310" + org
    assert all(c in USCC_ALPHABET for c in first17)
    return first17 + uscc_check_char(first17)


@dataclass
class Reference:
    cells: list[tuple]  # (id, community id, street id, centre lat, centre lng, half size)
    cell_weights: list[float]
    leaves: list[tuple]  # (matter id, rule id, effective_from, handler rule, unit id, limit days)
    leaf_weights: list[float]
    wage_leaves: list[int]  # indexes into ``leaves``
    community_unit: dict[int, int]
    street_unit: dict[int, int]
    unit_codes: dict[int, str]
    units: list[int]
    texts: list[tuple[str, str]]
    delays: list[float]  # hours


def _messages(data_dir: Path) -> tuple[list[tuple[str, str]], list[float]]:
    texts, delays = [], []
    for name in ("unlabelled.csv", "replies.csv"):
        with open(data_dir / "messages" / name, encoding="utf-8") as f:
            for row in csv.DictReader(f):
                texts.append((row["title"][:200], row["text"][:4000]))
                if name == "replies.csv":
                    try:
                        asked = datetime.strptime(row["time"], "%Y/%m/%d %H:%M:%S")
                        replied = datetime.strptime(row["reply_time"], "%Y/%m/%d %H:%M:%S")
                    except ValueError:
                        continue
                    delays.append(min((replied - asked).total_seconds() / 3600, 24 * 60) * HANDLING_SCALE)
    return texts, delays


def reference_load(*, data_dir: Path, rng: random.Random) -> Reference:
    """The territory, units, matter tree and message data the generator draws from."""
    texts, delays = _messages(data_dir)
    with open(data_dir / "messages" / "labelled_dev.csv", encoding="utf-8") as f:
        labels = [row["label"] for row in csv.DictReader(f)]
    cells = []
    for cell in GridCell.objects.filter(is_active=True).select_related("community"):
        lat, lng = (cell.min_lat + cell.max_lat) / 2, (cell.min_lng + cell.max_lng) / 2
        half = min(cell.max_lat - cell.min_lat, cell.max_lng - cell.min_lng) / 4
        cells.append((cell.pk, cell.community_id, cell.community.parent_id, lat, lng, half))
    if not cells:
        raise ValueError("no grid cells: run `manage.py load_demo` first")
    rng.shuffle(cells)  # hot spots land anywhere
    rules = {}
    for rule in MatterRule.objects.order_by("matter_id", "-effective_from", "-version"):
        rules.setdefault(rule.matter_id, rule)
    leaves, leaf_weights, wage = [], [], []
    for matter in Matter.objects.filter(level=3, is_active=True).select_related("parent__parent"):
        rule = rules.get(matter.pk)
        top = matter.parent.parent.name if matter.parent and matter.parent.parent else ""
        limit = (
            float((rule.kind_limits or {}).get("complaint", [rule.handle_limit_amount])[0]) if rule else 15
        )
        leaves.append(
            (
                matter.pk,
                rule.pk if rule else None,
                rule.effective_from if rule else None,
                rule.handler_rule if rule else "fixed",
                rule.handling_unit_id if rule else None,
                limit,
            )
        )
        # Labelled frequency of the top class (+1 smoothing) times a Zipf-like skew within it.
        leaf_weights.append((labels.count(top) + 1) / (1 + len(leaf_weights) % 17) ** 0.8)
        if matter.name in WAGE_LEAF_NAMES:
            wage.append(len(leaves) - 1)
    units = Unit.objects.filter(is_active=True)
    community_unit = {
        u.division_id: u.pk for u in units.filter(kind=UnitKind.COMMUNITY, division__isnull=False)
    }
    street_unit = {u.division_id: u.pk for u in units.filter(kind=UnitKind.STREET, division__isnull=False)}
    handlers = [
        u.pk for u in units.exclude(kind__in=(UnitKind.CENTRE, UnitKind.DISTRICT, UnitKind.PSYCH_CENTRE))
    ]
    return Reference(
        cells=cells,
        cell_weights=[1 / (i + 3) ** 0.7 for i in range(len(cells))],
        leaves=leaves,
        leaf_weights=leaf_weights,
        wage_leaves=wage,
        community_unit=community_unit,
        street_unit=street_unit,
        unit_codes=dict(Unit.objects.values_list("pk", "code")),
        units=handlers,
        texts=texts,
        delays=delays or [24 * 7],
    )


class Batch:
    """Rows of one batch: complaints, assignments, events (column tuples)."""

    def __init__(self, complaint_columns: tuple[str, ...]):
        self.complaint_columns = complaint_columns
        self.complaints: list[tuple] = []
        self.assignments: list[tuple] = []
        self.events: list[tuple] = []


ASSIGNMENT_COLUMNS = ("id", "created_at", "updated_at", "complaint_id", "unit_id", "role", "active", "reply")
EVENT_COLUMNS = (
    "id",
    "complaint_id",
    "at",
    "action",
    "from_status",
    "to_status",
    "note",
    "payload",
    "public",
)


class Generator:
    """Builds complaint histories; ``ids`` are the next free ids of the three tables."""

    def __init__(self, ref: Reference, rng: random.Random, *, end: datetime, days: int, short_text: bool):
        self.ref, self.rng, self.end, self.days, self.short = ref, rng, end, days, short_text
        self.phones = [f"13{rng.randint(100000000, 999999999)}" for _i in range(15)]
        # A few enterprises owe wages again and again; most appear once or twice.
        self.enterprises = [uscc_for(rng) for _i in range(800)]
        self.defaults = {
            f.attname: f.get_default() for f in Complaint._meta.concrete_fields if f.attname != "id"
        }
        self.columns = ("id", *self.defaults)
        # Hot spots: one matter recurring in one grid cell; two are active in any week.
        self.hot = [(rng.choice(ref.cells), rng.choice(ref.leaves)) for _i in range(24)]
        self.ids = {}
        self.cell_cum = list(accumulate(ref.cell_weights))
        self.leaf_cum = list(accumulate(ref.leaf_weights))

    def ids_reserve(self) -> None:
        for model in (Complaint, Assignment, ComplaintEvent):
            self.ids[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def _next(self, model) -> int:
        pk = self.ids[model]
        self.ids[model] += 1
        return pk

    def _received_at(self) -> datetime:
        rng = self.rng
        day = self.end - timedelta(days=rng.random() ** 1.15 * self.days)  # volume grows a little over time
        start = timezone.localtime(day).replace(hour=0, minute=0, second=0, microsecond=0)
        if start.weekday() >= 5 and rng.random() < 0.35:  # fewer calls at weekends
            start -= timedelta(days=2)
        hour = rng.choices(HOURS, cum_weights=HOUR_CUM)[0]
        moment = start + timedelta(hours=hour, seconds=rng.randint(0, 3599))
        return min(moment, self.end - timedelta(minutes=1))

    def complaint(self, batch: Batch) -> None:
        rng, ref = self.rng, self.ref
        pk = self._next(Complaint)
        received = self._received_at()
        cell = rng.choices(ref.cells, cum_weights=self.cell_cum)[0]
        wage = ref.wage_leaves and rng.random() < 0.04
        leaf = (
            ref.leaves[rng.choice(ref.wage_leaves)]
            if wage
            else rng.choices(ref.leaves, cum_weights=self.leaf_cum)[0]
        )
        if not wage and rng.random() < HOT_SHARE:
            week = received.toordinal() // 7
            cell, leaf = self.hot[(week * 2 + rng.randint(0, 1)) % len(self.hot)]
        kind = rng.choices(_KINDS, cum_weights=_KINDS_CUM)[0]
        title, text = rng.choice(ref.texts)
        values = dict(self.defaults)
        values.update(
            created_at=received,
            updated_at=received,
            tracking_code=tracking_code_for(pk),
            kind=kind,
            channel=rng.choices(_CHANNELS, cum_weights=_CHANNELS_CUM)[0],
            title=title or "诉求",
            description=text[:80] if self.short else text,
            matter_id=leaf[0],
            matter_rule_id=leaf[1] if leaf[2] and leaf[2] <= timezone.localdate(received) else None,
            lat=cell[3] + rng.uniform(-cell[5], cell[5]),
            lng=cell[4] + rng.uniform(-cell[5], cell[5]),
            grid_id=cell[0],
            community_id=cell[1],
            street_id=cell[2],
            contact_name=rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(["先生", "女士"]),
            # A handful of frequent callers; everybody else calls from a number of their own.
            contact_phone=rng.choice(self.phones)
            if rng.random() < 0.006
            else f"1{rng.randint(3000000000, 9999999999)}",
            enterprise_credit_code=rng.choice(
                self.enterprises[:6] if rng.random() < 0.3 else self.enterprises
            )
            if wage
            else "",
            received_at=received,
            status="submitted",
        )
        history = _History(self, batch, pk, values)
        history.play(leaf)
        batch.complaints.append(tuple(values[c] if c != "id" else pk for c in self.columns))


class _History:
    """The lifecycle of one complaint up to ``end``: sets its columns, writes assignments and events."""

    def __init__(self, gen: Generator, batch: Batch, pk: int, values: dict):
        self.gen, self.batch, self.pk, self.v = gen, batch, pk, values
        self.rng = gen.rng

    def event(self, at: datetime, action: str, to: str, payload: dict | None = None) -> bool:
        """Record the event when it happened before ``end``; False (history stops) otherwise."""
        if at >= self.gen.end:
            return False
        self.batch.events.append(
            (
                self.gen._next(ComplaintEvent),
                self.pk,
                at,
                action,
                self.v["status"],
                to,
                "",
                payload or {},
                True,
            )
        )
        self.v["status"] = to
        self.v["updated_at"] = at
        return True

    def assign(self, at: datetime, unit_id: int, *, active: bool = True) -> None:
        self.batch.assignments.append(
            (self.gen._next(Assignment), at, at, self.pk, unit_id, "lead", active, "")
        )

    def _lead(self, leaf: tuple) -> int:
        ref, v = self.gen.ref, self.v
        if leaf[3] == "street":
            unit = ref.street_unit.get(v["street_id"])
        elif leaf[3] == "community":
            unit = ref.community_unit.get(v["community_id"])
        else:
            unit = leaf[4]
        return unit or self.rng.choice(ref.units)

    def play(self, leaf: tuple) -> None:
        rng, v = self.rng, self.v
        t = v["received_at"]
        self.event(t, "submit", "submitted", {"channel": v["channel"]})
        if v["kind"] == "consult" and rng.random() < 0.5:
            t += timedelta(minutes=rng.randint(2, 30))
            if self.event(t, "answer", "answered"):
                v.update(answer="已在受理时直接答复", closed_at=t)
            return
        if rng.random() < 0.03:
            t += timedelta(minutes=rng.randint(5, 300))
            if self.event(t, "dispose", "invalid", {"disposition": "invalid"}):
                v.update(disposition="invalid", closed_at=t)
            return
        unit = self._lead(leaf)
        t += timedelta(minutes=rng.randint(3, 180))
        if not self.dispatch(t, unit, leaf):
            return
        if rng.random() < 0.03:  # returned within the window and dispatched again
            t += timedelta(hours=rng.uniform(1, 30))
            if not self.event(t, "return", "pending_dispatch", {"unit": self.gen.ref.unit_codes[unit]}):
                return
            self.batch.assignments[-1] = (*self.batch.assignments[-1][:6], False, "")
            v.update(return_count=1, lead_unit_id=None, sign_deadline=None, handle_deadline=None)
            unit = rng.choice(self.gen.ref.units)
            t += timedelta(hours=rng.uniform(0.5, 8))
            if not self.dispatch(t, unit, leaf):
                return
        self.handle(t, leaf, rework=rng.random() < 0.05)

    def dispatch(self, t: datetime, unit: int, leaf: tuple) -> bool:
        if not self.event(t, "dispatch", "dispatched", {"unit": self.gen.ref.unit_codes[unit]}):
            return False
        self.assign(t, unit)
        urgent = self.rng.random() < 0.03
        self.v.update(
            lead_unit_id=unit,
            dispatched_at=t,
            clock_started_at=t,
            signed_at=None,
            urgency="urgent" if urgent else "normal",
            sign_deadline=t + (4 * H if urgent else 24 * H),
            handle_deadline=t + (48 * H if urgent else timedelta(days=leaf[5] * 7 / 5)),
        )
        return True

    def handle(self, t: datetime, leaf: tuple, *, rework: bool) -> None:
        rng, v = self.rng, self.v
        t += timedelta(hours=rng.expovariate(1 / 5) if rng.random() < 0.96 else rng.uniform(24, 72))
        if not self.event(t, "sign", "in_progress"):
            return
        v["signed_at"] = t
        for round_ in range(2 if rework else 1):
            t += timedelta(hours=max(0.5, rng.choice(self.gen.ref.delays) - 5))
            if not self.event(t, "submit_result", "handled"):
                return
            v.update(handled_at=t, result="已按要求办理完毕")
            t += timedelta(hours=rng.uniform(1, 30))
            if not self.event(t, "verify", "reviewing", {"passed": True}):
                return
            t += timedelta(hours=rng.uniform(1, 48))
            resolved = rng.random() < 0.93
            satisfaction = rng.choices(_SATISFACTION, cum_weights=_SATISFACTION_CUM)[0]
            if round_ == 0 and rework:
                resolved, satisfaction = False, "unsatisfied"
            ok = resolved and satisfaction != "unsatisfied"
            status = "closed" if ok else "reviewing"
            payload = {"resolved": resolved, "satisfaction": satisfaction}
            if not self.event(t, "return_visit", status, payload):
                return
            v.update(resolved=resolved, satisfaction=satisfaction, closed_at=t if ok else None)
            if ok:
                return
            t += timedelta(hours=rng.uniform(1, 24))
            if round_ > 0 or not rework:  # the centre closes it as it stands (结案) instead of a rework
                if self.event(t, "close", "closed"):
                    v["closed_at"] = t
                return
            if not self.event(t, "reopen", "in_progress", {"reopen_count": 1}):
                return
            v.update(
                reopen_count=1,
                handled_at=None,
                closed_at=None,
                resolved=None,
                satisfaction="",
                clock_started_at=t,
                handle_deadline=t + timedelta(days=leaf[5] * 7 / 5),
            )


def complaints_generate(
    *,
    count: int,
    data_dir: Path,
    end: datetime | None = None,
    days: int = 365,
    seed: int = 1,
    batch_size: int = 20000,
    short_text: bool = False,
    bulk: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Generate ``count`` complaints received over the ``days`` before ``end`` (default now).

    ``bulk`` (PostgreSQL only; ignored elsewhere): load without the secondary indexes and with the
    writes overlapping the building (see ``grievance.demo.complaints_writer``). Not inside a transaction."""
    rng = random.Random(seed)
    gen = Generator(
        reference_load(data_dir=data_dir, rng=rng),
        rng,
        end=end or timezone.now(),
        days=days,
        short_text=short_text,
    )

    def batches():
        built = 0
        while built < count:
            n = min(batch_size, count - built)
            yield lambda n=n: _batch_tables(gen, n)
            built += n

    if bulk and connection.vendor == "postgresql":
        return tables_bulk_load(batches(), reserve=gen.ids_reserve, progress=progress)
    return tables_load(batches(), reserve=gen.ids_reserve, progress=progress)


def _batch_tables(gen: Generator, n: int) -> Tables:
    """The next ``n`` complaints as rows of the three tables (complaints first)."""
    batch = Batch(gen.columns)
    for _i in range(n):
        gen.complaint(batch)
    return [
        (Complaint, gen.columns, batch.complaints),
        (Assignment, ASSIGNMENT_COLUMNS, batch.assignments),
        (ComplaintEvent, EVENT_COLUMNS, batch.events),
    ]
