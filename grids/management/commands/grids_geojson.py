"""Export grid cells to GeoJSON, or import them from a FeatureCollection (all or nothing).

manage.py grids_geojson export [--community CODE] [--output FILE]
manage.py grids_geojson import FILE [--dry-run]
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.exceptions import ApplicationError
from grids.services.territory import grid_cells_export_geojson, grid_cells_import_geojson


class Command(BaseCommand):
    help = "网格 GeoJSON 导出/导入。导入先校验全部要素，任何要素有误则不写入任何数据并以非零状态退出。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="导出网格为 GeoJSON FeatureCollection")
        export.add_argument("--community", help="只导出该区划（社区、街道或区）下的网格")
        export.add_argument("--output", help="输出文件（默认标准输出）")
        imported = actions.add_parser("import", help="从 GeoJSON 导入网格（按编码新增或更新）")
        imported.add_argument("file", help="GeoJSON 文件")
        imported.add_argument("--dry-run", action="store_true", help="只校验并报告，不写入")

    def handle(self, *args, action, **options):
        if action == "export":
            self._export(community=options.get("community"), output=options.get("output"))
        else:
            self._import(path=Path(options["file"]), dry_run=options["dry_run"])

    def _export(self, *, community: str | None, output: str | None):
        try:
            data = grid_cells_export_geojson(community=community)
        except ApplicationError as exc:
            raise CommandError(f"{exc.message}: {community}") from exc
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"{len(data['features'])} 个网格已导出到 {output}")
        else:
            self.stdout.write(text)

    def _import(self, *, path: Path, dry_run: bool):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"无法读取 {path}: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} 不是合法的 JSON: {exc}") from exc
        report = grid_cells_import_geojson(data=data, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"导入失败：{len(report.errors)} 处错误，未写入任何数据")
