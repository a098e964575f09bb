"""Intake: ``POST /api/v1/complaints/`` against the bare DRF baseline and the raw INSERT ceiling, with
the peak memory of the web workers and the Celery worker under that load."""

import random
import signal
import time

from bench.harness import (
    Request,
    Result,
    RssSampler,
    closed_loop,
    json_body,
    open_loop,
    queue_drain,
    server_settle,
)

TEXTS = (
    ("路灯不亮", "小区门口的路灯连续三晚不亮，晚上出行很不安全，请尽快维修。"),
    ("噪音扰民", "楼下商铺每天晚上十一点后还在装修施工，噪音很大，影响休息。"),
    ("占道经营", "菜市场外的流动摊贩占用人行道，行人只能走机动车道，存在安全隐患。"),
    ("垃圾清运不及时", "垃圾桶已经满了两天没有清运，气味很大，夏天容易滋生蚊虫。"),
    ("道路破损", "十字路口有一处坑洼，下雨后积水，电动车经过容易摔倒。"),
)


def payload_pool(size: int = 200, seed: int = 1) -> list[dict]:
    """Valid complaints as a hotline operator files them: a leaf matter with a rule in force and a
    point inside a grid cell (so intake resolves the cell and routing can dispatch)."""
    from grids.models import GridCell
    from grievance.models import Matter, MatterRule

    rng = random.Random(seed)
    ruled = set(MatterRule.objects.values_list("matter_id", flat=True))
    matters = [
        code
        for pk, code in Matter.objects.filter(level=3, is_active=True).values_list("pk", "code")
        if pk in ruled
    ]
    cells = [
        ((c.min_lat + c.max_lat) / 2, (c.min_lng + c.max_lng) / 2)
        for c in GridCell.objects.filter(is_active=True).only("min_lat", "max_lat", "min_lng", "max_lng")
    ]
    pool = []
    for i in range(size):
        title, text = rng.choice(TEXTS)
        lat, lng = rng.choice(cells)
        pool.append(
            {
                "title": title,
                "description": f"{text}（编号{i}）",
                "kind": "complaint",
                "matter": rng.choice(matters),
                "lat": lat,
                "lng": lng,
                "address": "坪山区",
                "contact_name": "李先生",
                "contact_phone": f"1380013{i % 10000:04d}",
            }
        )
    return pool


def complaint_requests(pool: list[dict], token: str):
    headers = {"Authorization": f"Token {token}"}
    bodies = [json_body(p) for p in pool]
    return lambda i: Request("POST", "/api/v1/complaints/", bodies[i % len(bodies)], headers)


def baseline_requests(token: str):
    headers = {"Authorization": f"Token {token}"}
    body = json_body({"title": "路灯不亮", "body": TEXTS[0][1]})
    return lambda i: Request("POST", "/bench/notes/", body, headers)


def raw_insert_rate(dsn: str, seconds: float) -> float:
    """Single-row INSERTs per second on one autocommit connection: the database's own ceiling."""
    import psycopg2

    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    done = 0
    with conn.cursor() as cursor:
        until = time.perf_counter() + seconds
        started = time.perf_counter()
        while time.perf_counter() < until:
            cursor.execute(
                "INSERT INTO bench_baseline_note (title, body, created_at) VALUES (%s, %s, now())",
                ("路灯不亮", TEXTS[0][1]),
            )
            done += 1
        elapsed = time.perf_counter() - started
    conn.close()
    return done / elapsed


def run(ctx) -> list[str]:
    """ctx: port, services, dsn, operator token, seconds, rate, concurrency.

    Each phase starts from a settled system (worker queue empty, gunicorn idle). The request path is
    measured with the worker paused (its tasks wait in Redis), then with the worker routing the
    submissions on the same two cores, at its normal priority and at nice 10."""
    make = complaint_requests(payload_pool(), ctx.operator_token)
    services = ctx.services

    def settle() -> None:
        # The routing queued by a phase is dropped, not waited for (routing is the dispatch scenario's
        # figure; on two shared cores it would take minutes per phase). Those complaints stay
        # ``submitted``, as after a broker loss.
        from config.celery import app

        app.control.purge()
        queue_drain(timeout=30)
        server_settle(ctx.port)

    def offer():
        return open_loop(ctx.port, make, rate=ctx.rate, seconds=ctx.seconds * 1.5)

    ceiling = raw_insert_rate(ctx.dsn, ctx.seconds)
    base = closed_loop(
        ctx.port, baseline_requests(ctx.operator_token), concurrency=ctx.concurrency, seconds=ctx.seconds
    )
    settle()
    services.worker_signal(signal.SIGSTOP)
    try:
        alone = closed_loop(ctx.port, make, concurrency=ctx.concurrency, seconds=ctx.seconds)
        server_settle(ctx.port)
        offered_alone = offer()
    finally:
        services.worker_signal(signal.SIGCONT)
    settle()
    with RssSampler(services) as closed_rss:
        shared = closed_loop(ctx.port, make, concurrency=ctx.concurrency, seconds=ctx.seconds)
    settle()
    with RssSampler(services) as open_rss:
        offered = offer()
    settle()
    services.worker_nice(10)
    try:
        niced = offer()
    finally:
        services.worker_nice(0)
    settle()
    expected = int(ctx.rate * ctx.seconds * 1.5)

    def ratio(r: Result) -> float:
        return r.rate() / base.rate() if base.rate() else float("nan")

    def closed_row(name: str, r: Result) -> str:
        return (
            f"| intake `POST /api/v1/complaints/`, closed loop ×{ctx.concurrency}, {name} | "
            f"{r.rate():,.0f} req/s (p50 {r.p(50):.1f} ms, p99 {r.p(99):.1f} ms) | {base.rate():,.0f} req/s "
            f"| **{ratio(r):.2f}** | ≥ 0.60 | {'yes' if ratio(r) >= 0.6 else 'no'} |"
        )

    def open_row(name: str, r: Result) -> str:
        met = r.p(99) < 100 and not r.errors and r.ok == expected
        return (
            f"| intake at an offered {ctx.rate:.0f} req/s for {ctx.seconds * 1.5:.0f} s, {name}: p50 / p95 / "
            f"p99 | {r.p(50):.1f} / {r.p(95):.1f} / **{r.p(99):.1f} ms** ({r.ok} × 201, {r.errors} timeouts "
            f"after 10 s) | — | — | p99 < 100 ms | {'yes' if met else 'no'} |"
        )

    web, worker = closed_rss.peak, closed_rss.peak_total
    return [
        "| figure | value | baseline / ceiling | ratio | target | met |",
        "|---|---|---|---|---|---|",
        f"| raw PostgreSQL single-row INSERT, 1 connection, autocommit | {ceiling:,.0f} /s | — | — | "
        "ceiling | — |",
        f"| bare DRF create (`POST /bench/notes/`), closed loop ×{ctx.concurrency} | "
        f"{base.rate():,.0f} req/s (p50 {base.p(50):.1f} ms) | — | {base.rate() / ceiling:.2f} of the "
        f"ceiling | ~300 req/s | {'yes' if base.rate() >= 300 else 'no'} |",
        closed_row("worker paused (the request path alone)", alone),
        closed_row("worker routing on the same cores", shared),
        open_row("worker paused", offered_alone),
        open_row("worker at normal priority", offered),
        open_row("worker at nice 10", niced),
        f"| peak RSS, one web worker / all web workers (closed loop, worker running) | "
        f"{web.get('web', 0):.0f} / {worker.get('web', 0):.0f} MiB | — | — | reported | — |",
        f"| peak RSS, one Celery process / worker total (closed loop) | {web.get('worker', 0):.0f} / "
        f"{worker.get('worker', 0):.0f} MiB | — | — | reported | — |",
        f"| peak RSS web / worker totals (open loop {ctx.rate:.0f} req/s) | "
        f"{open_rss.peak_total.get('web', 0):.0f} / {open_rss.peak_total.get('worker', 0):.0f} MiB | — | — "
        "| reported | — |",
        "",
        f"Baseline p99 {base.p(99):.1f} ms. Closed-loop statuses (worker running): "
        + ", ".join(f"{s}: {n}" for s, n in sorted(shared.statuses.items()))
        + f"; errors {shared.errors}.",
    ]
