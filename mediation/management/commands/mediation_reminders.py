"""Run the mediation reminder sweep once (what the beat task ``mediation.reminders_sweep`` does), e.g.
from cron on a deployment without Celery beat, or to catch up after downtime. Idempotent."""

from django.core.management.base import BaseCommand

from mediation.services.sweep import mediation_reminders_sweep


class Command(BaseCommand):
    help = "发送到期的调解提醒（调解会、调解期限、司法确认申请期限、履行期限）。可重复执行。"

    def handle(self, *args, **options):
        counts = mediation_reminders_sweep()
        self.stdout.write(", ".join(f"{key}={value}" for key, value in counts.items()))
