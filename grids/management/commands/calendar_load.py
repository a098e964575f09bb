"""Load the working-day calendar: from the chinesecalendar package, or one year from a CSV file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.exceptions import ApplicationError
from grids.services.calendar import calendar_seed_from_package, calendar_year_load_csv


class Command(BaseCommand):
    help = (
        "载入工作日历。不带 --file：从 chinesecalendar 包载入它包含的年份（可用 --year 限定）。"
        "带 --file：用 CSV 文件（日期,是否工作日,说明）载入 --year 指定年份的国务院安排，"
        "替换该年已有的全部行；任何一行有误则不写入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="年份；不带 --file 时可重复")
        parser.add_argument("--file", help="CSV 文件：date,is_workday,note（表头可选，UTF-8）")

    def handle(self, *args, year=None, file=None, **options):
        try:
            if file is None:
                counts = calendar_seed_from_package(years=year)
            else:
                counts = calendar_year_load_csv(year=self._single_year(year), text=self._read(file))
        except ApplicationError as exc:
            details = [message for messages in exc.errors.values() for message in messages]
            raise CommandError("\n".join([exc.message, *details])) from exc
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k}={v}" for k, v in counts.items())))

    @staticmethod
    def _single_year(years: list[int] | None) -> int:
        if not years or len(years) != 1:
            raise CommandError("--file 需要且只能配一个 --year")
        return years[0]

    @staticmethod
    def _read(file: str) -> str:
        path = Path(file)
        try:
            return path.read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"文件不存在：{path}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"文件不是 UTF-8 编码：{path}") from exc
