"""Anonymise final complaints closed longer ago than the retention period (also a daily beat task)."""

from django.core.management.base import BaseCommand

from grievance.services.privacy import complaints_anonymise_expired, retention_days


class Command(BaseCommand):
    help = "对超过保存期限的已办结诉求进行匿名化处理（GRIEVANCE['RETENTION_DAYS']）。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="complaints per run")

    def handle(self, *args, limit, **options):
        count = complaints_anonymise_expired(limit=limit)
        self.stdout.write(f"anonymised {count} complaints closed more than {retention_days()} days ago")
