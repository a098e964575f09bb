"""Recompute every subject's lists and grade (run nightly: list exits and grades move with time as
publication periods end), and replay every inspection draw from its seed."""

from django.core.management.base import BaseCommand

from credit.models import InspectionDraw
from credit.selectors.inspections import inspection_draw_replay
from credit.services.standing import subjects_standing_refresh_all


class Command(BaseCommand):
    help = "重新计算所有信用主体的名单和信用等级，并按随机种子复核全部抽取结果。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--skip-draws", action="store_true", help="不复核随机抽取")

    def handle(self, *args, skip_draws=False, **options):
        count = subjects_standing_refresh_all()
        self.stdout.write(f"subjects refreshed: {count}")
        if skip_draws:
            return
        failed = [d.pk for d in InspectionDraw.objects.order_by("pk") if not inspection_draw_replay(draw=d)]
        if failed:
            self.stderr.write(self.style.ERROR(f"draws that do not replay from their seed: {failed}"))
        else:
            self.stdout.write(self.style.SUCCESS("every draw replays from its seed"))
