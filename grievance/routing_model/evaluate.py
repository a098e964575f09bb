"""Scoring at the top level of the tree: accuracy, macro-F1, top-3 accuracy and per-class figures.

``metrics_compute`` takes true class names and a probability matrix over ``classes``; the report's
last line is one JSON object with exactly ``n``, ``accuracy``, ``macro_f1`` and ``top3_accuracy`` so
a script can read it (``tail -n 1``).
"""

import json

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

SUMMARY_KEYS = ("n", "accuracy", "macro_f1", "top3_accuracy")


def metrics_compute(truth: list[str], proba: np.ndarray, classes: list[str]) -> dict:
    """Macro-F1 averages over the classes that occur in ``truth`` or among the predictions."""
    n = len(truth)
    if n == 0:
        return {"n": 0, "accuracy": 0.0, "macro_f1": 0.0, "top3_accuracy": 0.0, "per_class": {}}
    order = np.argsort(-proba, axis=1)
    predicted = [classes[i] for i in order[:, 0]]
    top3 = [{classes[i] for i in row[:3]} for row in order]
    labels = sorted(
        set(truth) | set(predicted), key=lambda c: classes.index(c) if c in classes else len(classes)
    )
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    per_class = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(labels, precision, recall, f1, support, strict=True)
    }
    return {
        "n": n,
        "accuracy": round(float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)])), 4),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)), 4
        ),
        "top3_accuracy": round(float(np.mean([t in s for t, s in zip(truth, top3, strict=True)])), 4),
        "per_class": per_class,
    }


def summary(result: dict) -> dict:
    return {key: result[key] for key in SUMMARY_KEYS}


def report_lines(result: dict) -> list[str]:
    """Per-class table, then the JSON summary as the last line."""
    lines = [f"{'class':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}"]
    for label, row in result.get("per_class", {}).items():
        lines.append(
            f"{label:<16}{row['precision']:>10.3f}{row['recall']:>10.3f}{row['f1']:>10.3f}{row['support']:>9d}"
        )
    lines.append(json.dumps(summary(result), ensure_ascii=False))
    return lines


def artefact_evaluate(artefact, docs) -> dict:
    """Score a trained model on labelled ``docs`` (``corpus.Doc`` with ``top``) — never trains."""
    rows = [d for d in docs if d.top]
    proba = np.array([artefact.predict(d.title, d.text).top for d in rows]).reshape(len(rows), -1)
    return metrics_compute([d.top for d in rows], proba, list(artefact.tree.tops))
