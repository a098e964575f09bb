"""``open311_key create NAME`` (prints the new key as its last line), ``open311_key revoke NAME``,
``open311_key list``."""

from django.core.management.base import BaseCommand, CommandError

from common.exceptions import ApplicationError
from open311.models import ApiKey
from open311.services.keys import api_key_create, api_key_rate_limit, api_key_revoke


class Command(BaseCommand):
    help = "管理 Open311 合作方密钥 / Manage Open311 partner API keys"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a key; the secret is printed once, as the last line")
        create.add_argument("name")
        create.add_argument("--contact", default="")
        create.add_argument(
            "--rate-limit", type=int, default=None, help="POSTs per minute (default: setting)"
        )
        revoke = sub.add_parser("revoke", help="revoke the key of NAME")
        revoke.add_argument("name")
        sub.add_parser("list", help="list keys (never their secrets)")

    def handle(self, *args, **options):
        try:
            getattr(self, f"_{options['action']}")(options)
        except ApplicationError as exc:
            details = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in exc.errors.items())
            raise CommandError(f"{exc.message} {details}".strip()) from exc

    def _create(self, options):
        key, raw = api_key_create(
            name=options["name"], contact=options["contact"], rate_limit_per_minute=options["rate_limit"]
        )
        self.stdout.write(f"已创建 Open311 密钥 / created key: {key.name} ({key.prefix}…)")
        self.stdout.write("密钥只显示这一次 / the key is shown only once:")
        self.stdout.write(raw)

    def _revoke(self, options):
        key = api_key_revoke(name=options["name"])
        self.stdout.write(f"已吊销 / revoked: {key.name} ({key.prefix}…) at {key.revoked_at.isoformat()}")

    def _list(self, options):
        for key in ApiKey.objects.order_by("name"):
            state = "revoked" if key.revoked_at else "active"
            used = key.last_used_at.isoformat() if key.last_used_at else "-"
            self.stdout.write(
                f"{key.name}\t{key.prefix}…\t{state}\tlimit={api_key_rate_limit(key)}/min\t"
                f"created={key.created_at.isoformat()}\tlast_used={used}"
            )
