"""Generate N realistic complaints (with their assignments and events) for demos and benchmarks."""

import time
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from grievance.demo.complaints_generator import complaints_generate
from grievance.services.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "生成 N 件模拟诉求（含派单记录和事件，分布取自真实留言数据），并重建仪表盘汇总。先运行 load_demo。"

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="how many complaints")
        parser.add_argument("--days", type=int, default=365, help="spread over this many days before --end")
        parser.add_argument("--end", default="", help="ISO datetime the histories stop at (default: now)")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=20000, help="complaints per transaction")
        parser.add_argument("--short-text", action="store_true", help="cut descriptions to 80 characters")
        parser.add_argument("--no-rollups", action="store_true", help="skip the dashboard rollup rebuild")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="PostgreSQL, big loads into a database nobody else uses meanwhile: drop the secondary "
            "indexes of complaints, assignments and events for the load and build them again afterwards",
        )
        parser.add_argument("--data-dir", default=str(settings.SHARED_DATA_DIR))

    def handle(self, *args, count, days, end, seed, batch, short_text, no_rollups, bulk, data_dir, **options):
        if count <= 0 or days <= 0 or batch <= 0:
            raise CommandError("count, --days and --batch must be positive")
        data_dir = Path(data_dir)
        if not (data_dir / "messages" / "replies.csv").exists():
            raise CommandError(f"message data not found in {data_dir}")
        until = parse_datetime(end) if end else timezone.now()
        if until is None:
            raise CommandError("--end must be an ISO datetime, e.g. 2026-06-30T18:00:00+08:00")
        if timezone.is_naive(until):
            until = timezone.make_aware(until)
        started = time.monotonic()

        def progress(done: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            self.stdout.write(f"  {done:>10,} complaints ({rate:,.0f}/s)")

        try:
            made = complaints_generate(
                count=count,
                data_dir=data_dir,
                end=until,
                days=days,
                seed=seed,
                batch_size=batch,
                short_text=short_text,
                bulk=bulk,
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        generated = time.monotonic() - started
        self.stdout.write(f"generated {made:,} complaints in {generated:.1f} s")
        if not no_rollups:
            started = time.monotonic()
            counts = rollups_rebuild()
            self.stdout.write(f"rollups rebuilt in {time.monotonic() - started:.1f} s: {counts}")
        self.stdout.write(self.style.SUCCESS(f"done at {datetime.now():%H:%M:%S}"))
