"""``manage.py matters_export --format csv|xlsx --output F``: export the responsibility list."""

import sys

from django.core.management.base import BaseCommand

from grievance.services.matters_io import matters_export


class Command(BaseCommand):
    help = "导出职责清单（每行一个小类事项及其最新规则），格式与导入相同。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
        parser.add_argument("--output", required=True, help="file to write; '-' writes CSV to stdout")
        parser.add_argument("--language", choices=["zh", "en"], default="zh", help="headers and value names")

    def handle(self, *args, format, output, language, **options):
        data = matters_export(format=format, language=language)
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        with open(output, "wb") as handle:
            handle.write(data)
        self.stderr.write(f"wrote {len(data)} bytes to {output}")
