"""Recompute the dashboard facts and rollups from the complaints (the same numbers as a recount)."""

import time

from django.core.management.base import BaseCommand

from grievance.services.rollups import rollups_rebuild


class Command(BaseCommand):
    help = "从诉求数据重建仪表盘统计事实与汇总表（结果与直接统计一致）。"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=20000, help="complaints per batch")

    def handle(self, *args, batch, **options):
        started = time.monotonic()

        def progress(done: int) -> None:
            self.stdout.write(f"  {done:>10,} complaints")

        counts = rollups_rebuild(batch_size=batch, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"rebuilt {counts['complaints']:,} complaints → {counts['daily_rows']:,} daily rows, "
                f"{counts['due_rows']:,} due rows in {time.monotonic() - started:.1f} s"
            )
        )
