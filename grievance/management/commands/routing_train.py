"""``manage.py routing_train [--cv 5] [--force] [--data-dir DIR] [--limit N] [--queue-if-missing]``: train
the text router.

Trains on the shared messages and every recorded dispatch, scores the procedure by k-fold
cross-validation over the labelled rows (never training on a scored row), stores the version with its
evaluation and promotes it if not worse than the active one. The last line is the CV summary as JSON.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from common.exceptions import ApplicationError
from grievance.routing_model.evaluate import report_lines
from grievance.routing_model.services import routing_model_train
from grievance.routing_model.train import TrainParams


class Command(BaseCommand):
    help = "训练诉求文本分拨模型（交叉验证评估；不劣于在用版本才启用）"

    def add_arguments(self, parser):
        parser.add_argument("--cv", type=int, default=5, help="cross-validation folds (0: no evaluation)")
        parser.add_argument("--force", action="store_true", help="promote even if the evaluation is worse")
        parser.add_argument("--data-dir", default=None, help="default: settings.SHARED_DATA_DIR")
        parser.add_argument("--limit", type=int, default=None, help="first N rows of each file (tests)")
        parser.add_argument("--self-training-rounds", type=int, default=None)
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--queue-if-missing",
            action="store_true",
            help="only when no version is active: queue the training task for the worker and return",
        )

    def handle(self, *args, cv, force, data_dir, limit, self_training_rounds, note, **options):
        if options["queue_if_missing"]:
            self._queue_if_missing()
            return
        params = TrainParams()
        if self_training_rounds is not None:
            params.self_training_rounds = self_training_rounds
        try:
            model = routing_model_train(
                data_dir=data_dir, cv=cv, force=force, limit=limit, params=params, note=note
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} {json.dumps(exc.errors, ensure_ascii=False)}") from exc
        state = "active" if model.is_active else "NOT promoted (evaluation worse than the active version)"
        self.stdout.write(f"routing model v{model.version}: {state}; {model.train_seconds:.1f}s training")
        self.stdout.write(f"trained on: {json.dumps(model.trained_on, ensure_ascii=False)}")
        if "accuracy" in model.evaluation:
            self.stdout.write(f"{model.evaluation.get('folds')}-fold cross-validation:")
            for line in report_lines(model.evaluation):
                self.stdout.write(line)

    def _queue_if_missing(self) -> None:
        """A fresh installation routes by keywords until a model exists; training takes about a minute,
        so the start-up script hands it to the worker instead of waiting for the nightly run."""
        from common.queue import enqueue
        from grievance.models import RoutingModel
        from grievance.tasks import routing_model_train as train_task

        if RoutingModel.objects.filter(is_active=True).exists():
            self.stdout.write("routing model: an active version exists; nothing queued")
        elif enqueue(train_task):
            self.stdout.write("routing model: none active yet; training queued for the worker")
        else:
            self.stdout.write("routing model: none active, broker unreachable; the nightly run trains it")
