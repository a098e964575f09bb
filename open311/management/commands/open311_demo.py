"""``open311_demo``: give a handful of demo matters an Open311 service definition (idempotent)."""

from django.core.management.base import BaseCommand

from open311.demo import open311_demo_definitions_load


class Command(BaseCommand):
    help = "为演示事项设置 Open311 服务定义 / Load demo Open311 service definitions"

    def handle(self, *args, **options):
        count = open311_demo_definitions_load()
        self.stdout.write(f"Open311 服务定义 / service definitions set: {count}")
