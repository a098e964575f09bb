"""Print what monitoring watches as one JSON line (queue length, stuck work, overdue, heartbeat)."""

import json

from django.core.management.base import BaseCommand

from grievance.selectors.operations import operations_status


class Command(BaseCommand):
    help = "输出运行监控指标（队列长度、积压、超期件数、工作进程心跳），JSON 一行。"

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(operations_status(), ensure_ascii=False))
