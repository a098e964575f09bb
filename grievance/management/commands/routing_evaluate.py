"""``manage.py routing_evaluate --input FILE.csv [--cv K]``: score the text router on a labelled file.

FILE has the columns of ``labelled_dev.csv`` (``id,title,text,time,label``, label = top class).
Without ``--cv`` it scores the CURRENT active model and never trains on FILE. With ``--cv K`` it runs
the honest protocol on FILE: K folds, each trained on the other K−1 folds plus all unlabelled and
replied messages (weak labels, self-training; copies of the scored texts removed) and scored on the
held-out fold. Prints per-class figures; the last line is one JSON object with
``n``, ``accuracy``, ``macro_f1`` and ``top3_accuracy``.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grievance.routing_model import store, train
from grievance.routing_model.corpus import Corpus, CorpusFileError, labelled_read, shared_corpus
from grievance.routing_model.evaluate import artefact_evaluate, report_lines
from grievance.routing_model.selectors import routing_tree_get


class Command(BaseCommand):
    help = "评估诉求文本分拨模型（大类准确率、宏F1、前三准确率）"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="CSV: id,title,text,time,label")
        parser.add_argument("--cv", type=int, default=0, help="k-fold cross-validation on FILE instead")
        parser.add_argument("--seed", type=int, default=0, help="fold shuffling seed (with --cv)")
        parser.add_argument("--data-dir", default=None, help="unlabelled data for --cv (default: shared)")

    def handle(self, *args, input, cv, seed, data_dir, **options):
        try:
            docs = [d for d in labelled_read(input) if d.top]
        except CorpusFileError as exc:
            raise CommandError(str(exc)) from exc
        if not docs:
            raise CommandError(f"{input}: no labelled rows")
        if cv:
            result = self._cross_validate(docs, cv, seed, data_dir)
        else:
            store.active_cache_clear()
            artefact = store.active_artefact()
            if artefact is None:
                raise CommandError("no trained routing model is active: run `manage.py routing_train` first")
            result = artefact_evaluate(artefact, docs)
        for line in report_lines(result):
            self.stdout.write(line)

    def _cross_validate(self, docs, k: int, seed: int, data_dir) -> dict:
        if k < 2 or k > len(docs):
            raise CommandError(f"--cv must be between 2 and the number of rows ({len(docs)})")
        tree = routing_tree_get()
        if not tree.leaves:
            raise CommandError(
                "the matter tree is empty: run `manage.py load_demo` (or matters_import) first"
            )
        unlabelled = shared_corpus(data_dir or settings.SHARED_DATA_DIR, labelled=False).unlabelled
        prep = train.prepare(Corpus(labelled=docs, unlabelled=unlabelled), tree)
        return train.cross_validate(prep, train.TrainParams(), k=k, seed=seed)
