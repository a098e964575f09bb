"""Benchmark of the text router (not a test): training time, honest quality, suggestion latency.

    .venv/bin/python bench/routing_bench.py [--cv 5] [--seeds 0,1,2] [--repeat 300]
        [--append docs/benchmarks.md]

Runs on a throwaway SQLite database and ``VAR_DIR`` in a temporary folder (nothing under ``var/`` is
touched): migrates, loads the demo (``load_demo``: the 517-leaf matter tree with its rules and the
Pingshan units and grids), then measures

- training on all shared data (``routing_model_train(cv=0)``: segmentation, hashing, weak labels, one
  self-training round, leaf centroids), wall and CPU seconds, and the artefact's size;
- k-fold cross-validation on ``labelled_dev.csv`` for each seed (``routing_evaluate --cv`` protocol:
  train on k−1 folds + all unlabelled/replied messages, score the held-out fold): accuracy, macro-F1,
  top-3 at the top level of the tree;
- latency over ``--repeat`` texts drawn from ``unlabelled.csv``: the model alone (``artefact.predict``,
  text → ranked leaves) and the whole service ``routing_suggest`` (plus "why" for five suggestions,
  units from the rules, the gazetteer), p50 / p95 / max.
"""

import argparse
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup(tmp: Path) -> None:
    os.environ["VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, round(0.95 * len(ordered)) - 1)], ordered[-1]


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    cpu = model or platform.processor()
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, load average {load}"


def run(args) -> list[str]:
    from django.conf import settings

    from grievance.routing_model import store, train
    from grievance.routing_model.corpus import Corpus, labelled_read, shared_corpus
    from grievance.routing_model.selectors import routing_tree_get
    from grievance.routing_model.services import routing_model_train
    from grievance.services.routing import routing_index_clear, routing_suggest

    data = Path(settings.SHARED_DATA_DIR)
    lines = [f"Machine: {_machine()}.", ""]

    cpu0, wall0 = time.process_time(), time.perf_counter()
    model = routing_model_train(cv=0, force=True, note="bench")
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    size = (store.models_root() / model.artefact_path).stat().st_size / 2**20
    counts = model.trained_on
    lines += [
        "| training on all shared data | wall s | CPU s | labelled | unlabelled | weak | pseudo "
        "| features | artefact |",
        "|---|---|---|---|---|---|---|---|---|",
        f"| `routing_model_train(cv=0)` | {wall:.1f} | {cpu:.1f} | {counts['labelled']} "
        f"| {counts['unlabelled']} | {counts['weak_labelled']} | {counts['pseudo_labelled']} "
        f"| {counts['features']:,} | {size:.1f} MiB |",
        "",
    ]

    tree = routing_tree_get()
    labelled = labelled_read(data / "messages" / "labelled_dev.csv")
    unlabelled = shared_corpus(data, labelled=False).unlabelled
    prep = train.prepare(Corpus(labelled=labelled, unlabelled=unlabelled), tree)
    lines += [
        f"| {args.cv}-fold CV on labelled_dev.csv (n=178) | seed | accuracy | macro-F1 | top-3 | seconds |",
        "|---|---|---|---|---|---|",
    ]
    results = []
    for seed in args.seeds:
        started = time.perf_counter()
        result = train.cross_validate(prep, train.TrainParams(), k=args.cv, seed=seed)
        results.append(result)
        lines.append(
            f"| routing_evaluate --cv {args.cv} --seed {seed} | {seed} | {result['accuracy']:.4f} "
            f"| {result['macro_f1']:.4f} | {result['top3_accuracy']:.4f} "
            f"| {time.perf_counter() - started:.0f} |"
        )
    mean = {k: statistics.mean(r[k] for r in results) for k in ("accuracy", "macro_f1", "top3_accuracy")}
    lines += [
        f"| mean of {len(results)} seeds | | {mean['accuracy']:.4f} | {mean['macro_f1']:.4f} "
        f"| {mean['top3_accuracy']:.4f} | |",
        "",
    ]

    routing_index_clear()
    artefact = store.active_artefact()
    texts = [(d.title, d.text) for d in unlabelled[: args.repeat]]
    for title, text in texts[:5]:  # warm-up (jieba dictionary, caches)
        routing_suggest(title=title, description=text)
    lines += [f"| latency over {len(texts)} messages | p50 ms | p95 ms | max ms |", "|---|---|---|---|"]
    for name, call in (
        ("model: `artefact.predict` (text → ranked leaves)", lambda t: artefact.predict(*t)),
        (
            "service: `routing_suggest` (5 suggestions, why, units, gazetteer; SQLite)",
            lambda t: routing_suggest(title=t[0], description=t[1]),
        ),
    ):
        samples = []
        for t in texts:
            started = time.perf_counter()
            call(t)
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95, worst = _percentiles(samples)
        lines.append(f"| {name} | {p50:.1f} | {p95:.1f} | {worst:.1f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines += ["", f"Peak memory of the benchmark process: {peak:.0f} MiB."]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated fold seeds")
    parser.add_argument("--repeat", type=int, default=300, help="messages timed for latency")
    parser.add_argument("--append", default=None, help="append the section to this markdown file")
    args = parser.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="routing-bench-") as tmp:
        _setup(Path(tmp))
        lines = run(args)
    command = (
        f"`.venv/bin/python bench/routing_bench.py --cv {args.cv} --seeds {','.join(map(str, args.seeds))}`"
    )
    section = [f"## Text routing ({time.strftime('%Y-%m-%d')})", "", f"Command: {command}", "", *lines]
    text = "\n".join(section) + "\n"
    print(text)
    if args.append:
        with open(args.append, "a", encoding="utf-8") as handle:
            handle.write("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
