"""Dispatch latency: from the commit of a submission to the commit of its routing event (``dispatch``
or ``queue``, written by the worker's ``complaint_route``), through Redis and one Celery worker.

Both ends are PostgreSQL commit timestamps (``track_commit_timestamp``) of the insert-only event rows,
so neither the client's nor the worker's clock is involved. Lost: a submission with no routing event;
duplicated: more than one."""

import contextlib
import json
import time

from bench.harness import open_loop, percentile, sql
from bench.scenarios.intake import complaint_requests, payload_pool

ROUTING_ACTIONS = ("dispatch", "queue")


def _outcome(ids: list[int]) -> list[tuple]:
    return sql(
        """
        SELECT c.id,
               pg_xact_commit_timestamp(s.xmin),
               count(r.id),
               min(pg_xact_commit_timestamp(r.xmin)),
               min(r.action)
        FROM grievance_complaint c
        JOIN grievance_complaintevent s ON s.complaint_id = c.id AND s.action = 'submit'
        LEFT JOIN grievance_complaintevent r
               ON r.complaint_id = c.id AND r.action IN %s AND r.from_status = 'submitted'
        WHERE c.id = ANY(%s)
        GROUP BY c.id, s.xmin
        """,
        [ROUTING_ACTIONS, ids],
    )


def run(ctx, *, drain, rate: float = 50, seconds: float = 60) -> list[str]:
    """``drain()`` returns once the worker's queue is empty: what has no routing event then is lost."""
    make = complaint_requests(payload_pool(seed=2), ctx.operator_token)
    result = open_loop(ctx.port, make, rate=rate, seconds=seconds, keep_body=True)
    ids = []
    for body in result.bodies:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            ids.append(int(json.loads(body)["id"]))
    started = time.monotonic()
    drain()
    time.sleep(2)  # the last tasks taken from the queue finish
    settle = time.monotonic() - started
    rows = _outcome(ids)
    routed = sum(1 for r in rows if r[2])
    latencies = [(r[3] - r[1]).total_seconds() * 1000 for r in rows if r[2] and r[1] and r[3]]
    lost = len(ids) - routed
    duplicated = sum(1 for r in rows if r[2] > 1)
    dispatched = sum(1 for r in rows if r[4] == "dispatch")
    offered = int(rate * seconds)
    p95 = percentile(latencies, 95)
    met = p95 < 500 and lost == 0 and duplicated == 0 and len(ids) == offered
    return [
        "| figure | value | target | met |",
        "|---|---|---|---|",
        f"| submissions offered / accepted (201) / HTTP errors | {offered} / {len(ids)} / "
        f"{result.errors + sum(n for s, n in result.statuses.items() if s >= 300)} | all accepted | "
        f"{'yes' if len(ids) == offered else 'no'} |",
        f"| submit commit → routing event commit p50 / p95 / p99 / max | {percentile(latencies, 50):.0f} / "
        f"**{p95:.0f}** / {percentile(latencies, 99):.0f} / {percentile(latencies, 100):.0f} ms "
        "| p95 < 500 ms | "
        f"{'yes' if p95 < 500 else 'no'} |",
        f"| lost (no routing event once the queue was empty, {settle:.0f} s after the last submission) | "
        f"**{lost}** | 0 | "
        f"{'yes' if lost == 0 else 'no'} |",
        f"| duplicated (more than one routing event) | **{duplicated}** | 0 | "
        f"{'yes' if duplicated == 0 else 'no'} |",
        f"| outcome: dispatched / queued for a person | {dispatched} / {routed - dispatched} | — | — |",
        f"| intake p99 during the run | {result.p(99):.1f} ms | — | — |",
        "",
        f"All targets of the scenario met: {'yes' if met else 'no'}.",
    ]
