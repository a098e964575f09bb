"""Top-level figures and the report's last line."""

import json

import numpy as np

from grievance.routing_model.evaluate import SUMMARY_KEYS, metrics_compute, report_lines

CLASSES = ["城乡建设", "环境保护", "教育文体"]


def test_accuracy_top3_and_macro_f1():
    truth = ["城乡建设", "环境保护", "教育文体", "教育文体"]
    proba = np.array(
        [
            [0.7, 0.2, 0.1],  # right
            [0.6, 0.3, 0.1],  # wrong, second
            [0.1, 0.2, 0.7],  # right
            [0.5, 0.4, 0.1],  # wrong, third
        ]
    )
    result = metrics_compute(truth, proba, CLASSES)
    assert result["n"] == 4 and result["accuracy"] == 0.5 and result["top3_accuracy"] == 1.0
    # per class F1: 城乡建设 P=1/3 R=1 → 0.5; 环境保护 0; 教育文体 P=1 R=0.5 → 0.6667
    assert result["macro_f1"] == round((0.5 + 0 + 2 / 3) / 3, 4)
    assert result["per_class"]["教育文体"]["support"] == 2


def test_report_last_line_is_the_json_summary():
    result = metrics_compute(["城乡建设"], np.array([[0.9, 0.05, 0.05]]), CLASSES)
    lines = report_lines(result)
    summary = json.loads(lines[-1])
    assert tuple(summary) == SUMMARY_KEYS and summary["accuracy"] == 1.0
    assert any(line.startswith("城乡建设") for line in lines[:-1])
