"""The random draw of "双随机": targets sampled by grade, inspectors assigned, all from one seed. Pure.

Reproducibility: every random choice comes from ``random.Random(seed)`` in a fixed order (grades in
``grade_order``, ids sorted), so the same inputs and seed always give the same draw. The service stores
the inputs exactly as used (``DrawInputs.as_json``), so the draw can be replayed after the pools change.

Ratios: a grade group of ``n`` subjects with ratio ``r`` yields ``floor(n·r)`` targets plus one more
with probability ``frac(n·r)`` (decided by the same generator), so small groups honour the ratio on
average instead of being rounded up to at least one.
"""

import hashlib
import json
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

UNRATED = "-"


class DrawError(ValueError):
    """The draw cannot be made as asked (e.g. too few inspectors free of conflicts for a target)."""

    def __init__(self, message: str, *, errors: dict | None = None):
        super().__init__(message)
        self.errors = errors or {}


@dataclass(frozen=True)
class DrawInputs:
    seed: int
    targets: tuple[tuple[int, str], ...]  # (subject id, grade or UNRATED)
    inspectors: tuple[int, ...]
    conflicts: frozenset[tuple[int, int]]  # (inspector id, subject id)
    ratios: Mapping[str, float]
    per_target: int = 2

    def as_json(self) -> dict:
        return {
            "seed": self.seed,
            "targets": [list(t) for t in sorted(self.targets)],
            "inspectors": sorted(self.inspectors),
            "conflicts": sorted(list(c) for c in self.conflicts),
            "ratios": dict(sorted(self.ratios.items())),
            "per_target": self.per_target,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> "DrawInputs":
        return cls(
            seed=int(data["seed"]),
            targets=tuple((int(s), str(g)) for s, g in data["targets"]),
            inspectors=tuple(int(i) for i in data["inspectors"]),
            conflicts=frozenset((int(i), int(s)) for i, s in data["conflicts"]),
            ratios={str(k): float(v) for k, v in data["ratios"].items()},
            per_target=int(data["per_target"]),
        )


@dataclass(frozen=True)
class DrawResult:
    assignments: tuple[tuple[int, tuple[int, ...]], ...]  # (subject id, inspector ids), by subject id
    log: tuple[dict, ...]

    def digest(self) -> str:
        payload = json.dumps([[s, list(i)] for s, i in self.assignments], separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()


def grade_order(ratios: Mapping[str, float], grades) -> list[str]:
    """Grades letters first (A, B, ...), then the unrated group, whatever order the inputs came in."""
    keys = set(ratios) | set(grades)
    return sorted(keys - {UNRATED}) + ([UNRATED] if UNRATED in keys else [])


def draw_run(inputs: DrawInputs) -> DrawResult:
    """Sample the targets per grade and give each ``per_target`` inspectors without a conflict.

    Raises DrawError for ratios outside [0, 1], fewer than 2 inspectors per target, or a drawn target
    for which too few conflict-free inspectors are in the pool.
    """
    if inputs.per_target < 2:
        raise DrawError(_("每户至少须由2名检查人员检查"), errors={"inspectors_per_target": [_("至少为2")]})
    bad = [g for g, r in inputs.ratios.items() if not (0 <= float(r) <= 1)]
    if bad:
        raise DrawError(_("抽查比例应在0到1之间"), errors={"grade_ratios": bad})
    rng = random.Random(inputs.seed)
    groups: dict[str, list[int]] = {}
    for subject_id, grade in inputs.targets:
        groups.setdefault(grade or UNRATED, []).append(subject_id)
    chosen: list[int] = []
    log: list[dict] = []
    for grade in grade_order(inputs.ratios, groups):
        pool = sorted(groups.get(grade, []))
        ratio = float(inputs.ratios.get(grade, inputs.ratios.get(UNRATED, 0.0)))
        expected = len(pool) * ratio
        count = math.floor(expected)
        # Always consume one number so a group's sampling never shifts the ones after it by chance.
        if rng.random() < expected - count:
            count += 1
        picked = sorted(rng.sample(pool, min(count, len(pool))))
        chosen.extend(picked)
        log.append({"grade": grade, "pool": len(pool), "ratio": ratio, "drawn": len(picked)})
    inspectors = sorted(set(inputs.inspectors))
    assignments = []
    short = []
    for subject_id in sorted(chosen):
        eligible = [i for i in inspectors if (i, subject_id) not in inputs.conflicts]
        if len(eligible) < inputs.per_target:
            short.append(subject_id)
            continue
        assignments.append((subject_id, tuple(sorted(rng.sample(eligible, inputs.per_target)))))
    if short:
        raise DrawError(
            _("无回避关系的检查人员不足，无法抽取"), errors={"inspectors": [f"subject {s}" for s in short]}
        )
    log.append({"targets": len(assignments), "inspectors": len(inspectors), "per_target": inputs.per_target})
    return DrawResult(tuple(assignments), tuple(log))
