"""``manage.py matters_import FILE [--dry-run] [--format csv|xlsx]``: import the responsibility list."""

import json

from django.core.management.base import BaseCommand, CommandError

from grievance.services.matters_io import matters_import


class Command(BaseCommand):
    help = "导入职责清单（CSV 或 XLSX，每行一个小类事项）。先校验全部行，有任何错误则不写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or XLSX file")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")
        parser.add_argument(
            "--format", choices=["csv", "xlsx"], default=None, help="default: from the content"
        )
        parser.add_argument("--json", action="store_true", dest="as_json", help="print the report as JSON")

    def handle(self, *args, file, dry_run, format, as_json, **options):
        report = matters_import(file=file, format=format, dry_run=dry_run)
        text = json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if as_json else report.as_text()
        self.stdout.write(text)
        if not report.ok:
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported")
