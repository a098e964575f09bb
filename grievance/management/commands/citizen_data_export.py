"""Export everything the platform holds about one citizen as JSON (a citizen's data request).

The export reads full contact details, so each complaint's read is recorded ("who looked") under the
operator running the command (``--by``)."""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from common.exceptions import ApplicationError
from grievance.services.privacy import citizen_data_export


class Command(BaseCommand):
    help = "导出一位市民在平台上的全部个人数据（JSON），并记录查看记录。"

    def add_arguments(self, parser):
        parser.add_argument("--username", help="the citizen's account")
        parser.add_argument("--phone", default="", help="the contact phone given at intake")
        parser.add_argument("--by", required=True, help="username of the staff member handling the request")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, username=None, phone="", by, output=None, **options):
        try:
            requested_by = User.objects.get(username=by)
            citizen = User.objects.get(username=username) if username else None
        except User.DoesNotExist as error:
            raise CommandError(f"no such user: {error}") from error
        try:
            data = citizen_data_export(requested_by=requested_by, citizen=citizen, phone=phone)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"{len(data['complaints'])} complaints written to {output}")
        else:
            self.stdout.write(text)
