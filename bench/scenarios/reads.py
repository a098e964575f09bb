"""Reads: the complaint detail with its events and a unit's inbox page — queries per request (in
process, on the full database) and latency through gunicorn."""

import random

from bench.harness import Request, closed_loop, open_loop, sql


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # per-process caches warm, as in a running worker
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def _busiest_handler() -> tuple[str, int]:
    """The handler account of the unit with the most active lead assignments, and that count."""
    code, active = sql(
        """
        SELECT u.code, count(*) FROM grievance_assignment a JOIN grids_unit u ON u.id = a.unit_id
        JOIN grievance_complaint c ON c.id = a.complaint_id
        WHERE a.active AND a.role = 'lead' AND c.status IN ('dispatched', 'in_progress')
        GROUP BY u.code ORDER BY 2 DESC LIMIT 1
        """
    )[0]
    return f"h-{code}", active


def run(ctx, *, rate: float = 20, seconds: float = 30) -> list[str]:
    from django.test import Client

    from accounts.models import User

    rng = random.Random(3)
    top = sql("SELECT max(id) FROM grievance_complaint")[0][0]
    ids = [i for (i,) in sql("SELECT id FROM grievance_complaint WHERE id > %s LIMIT 400", [top - 200000])]
    rng.shuffle(ids)
    events = sql(
        "SELECT avg(n), max(n) FROM (SELECT count(*) n FROM grievance_complaintevent "
        "WHERE complaint_id = ANY(%s) GROUP BY complaint_id) x",
        [ids],
    )[0]
    client = Client()
    client.force_login(User.objects.get(username="dispatcher"))
    detail_queries = max(_queries(client, f"/api/v1/complaints/{i}/") for i in ids[:20])
    handler, active = _busiest_handler()
    inbox = Client()
    inbox.force_login(User.objects.get(username=handler))
    inbox_queries = {tab: _queries(inbox, f"/work/inbox/?tab={tab}") for tab in ("sign", "progress")}
    api_list_queries = _queries(inbox, "/api/v1/complaints/?status=in_progress")

    headers = {"Authorization": f"Token {ctx.dispatcher_token}"}
    detail = open_loop(
        ctx.port,
        lambda i: Request("GET", f"/api/v1/complaints/{ids[i % len(ids)]}/", b"", headers),
        rate=rate,
        seconds=seconds,
    )
    cookie = {"Cookie": f"sessionid={inbox.cookies['sessionid'].value}"}
    # One at a time for a few seconds: the page is slow on a busy unit and an offered rate would
    # leave a queue of abandoned requests behind for the next scenarios.
    inbox_http = closed_loop(
        ctx.port,
        lambda i: Request("GET", f"/work/inbox/?tab={('sign', 'progress')[i % 2]}", b"", cookie),
        concurrency=1,
        seconds=seconds / 3,
    )
    worst_inbox = max(inbox_queries.values())
    detail_ok = detail.p(99) < 50 and detail.ok == len(detail.latencies_ms)
    return [
        "| figure | value | target | met |",
        "|---|---|---|---|",
        f"| detail `GET /api/v1/complaints/{{id}}/` (dispatcher; {float(events[0]):.1f} events on average, "
        f"up to {events[1]}): queries | **{detail_queries}** | ≤ 10 | "
        f"{'yes' if detail_queries <= 10 else 'no'} |",
        f"| detail at {rate:.0f} req/s for {seconds:.0f} s: p50 / p95 / p99 | {detail.p(50):.1f} / "
        f"{detail.p(95):.1f} / **{detail.p(99):.1f} ms** ({detail.ok} × 200, {detail.errors} errors) "
        f"| p99 < 50 ms | {'yes' if detail_ok else 'no'} |",
        f"| unit inbox page `/work/inbox/` ({handler}, {active:,} open lead assignments): queries "
        f"sign / progress | **{inbox_queries['sign']} / {inbox_queries['progress']}** | ≤ 15 | "
        f"{'yes' if worst_inbox <= 15 else 'no'} |",
        f"| inbox page, one request at a time for {seconds / 3:.0f} s: p50 / p95 / max | "
        f"{inbox_http.p(50):.1f} / {inbox_http.p(95):.1f} / {inbox_http.p(100):.1f} ms "
        f"({inbox_http.ok} × 200) | — | — |",
        f"| the unit's API list `GET /api/v1/complaints/?status=in_progress`: queries | {api_list_queries} "
        "| — | — |",
    ]
