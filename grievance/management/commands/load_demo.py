"""Load the Pingshan demo district, its units, the responsibility list and the demo accounts.

Idempotent: every loader upserts by natural key, so running it twice changes nothing the second time.
The whole load is one transaction: a failure leaves the database as it was. ``--complaints N`` adds N
generated complaints over the last 90 days (so the dashboard has something to show) only while the
database holds no complaint at all.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from credit.demo import demo_credit_load
from grids.demo.accounts import demo_accounts_load
from grids.demo.territory import demo_territory_load
from grids.demo.units import demo_units_load
from grids.services.calendar import calendar_seed_from_package
from grievance.demo.matters import demo_matters_load
from mediation.demo.load import demo_mediation_load


class Command(BaseCommand):
    help = "载入坪山区演示数据（区划、网格、单位、职责清单、演示账户、工作日历）。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(settings.SHARED_DATA_DIR), help="shared data folder")
        parser.add_argument(
            "--complaints",
            type=int,
            default=0,
            help="generate this many complaints over the last 90 days when there is none yet",
        )

    def handle(self, *args, data_dir, complaints, **options):
        data_dir = Path(data_dir)
        if not (data_dir / "pingshan" / "divisions.csv").exists():
            raise CommandError(f"demo data not found in {data_dir} (expected pingshan/divisions.csv)")
        with transaction.atomic():
            steps = [
                ("calendar", lambda: calendar_seed_from_package()),
                ("territory", lambda: demo_territory_load(data_dir=data_dir)),
                ("units", lambda: demo_units_load(data_dir=data_dir)),
                ("matters", lambda: demo_matters_load(data_dir=data_dir)),
                ("accounts", lambda: demo_accounts_load()),
                ("credit", lambda: demo_credit_load()),
                ("mediation", lambda: demo_mediation_load()),
                ("open311", lambda: _open311_demo()),
            ]
            for name, step in steps:
                counts = step()
                summary = ", ".join(f"{k}={v}" for k, v in (counts or {}).items())
                self.stdout.write(f"{name}: {summary}")
        if complaints > 0:
            self._complaints_generate(complaints, data_dir)
        self.stdout.write(self.style.SUCCESS("demo data loaded"))

    def _complaints_generate(self, count: int, data_dir: Path) -> None:
        from grievance.models import Complaint

        if Complaint.objects.exists():
            self.stdout.write("complaints: the database already holds complaints; none generated")
            return
        call_command("complaints_generate", count, days=90, data_dir=str(data_dir), stdout=self.stdout)


def _open311_demo() -> dict:
    # Wiring only: the Open311 app builds on grievance, so it is imported here, not at module level.
    from open311.demo import open311_demo_definitions_load

    return {"service_definitions": open311_demo_definitions_load()}
