"""The suggest API with a trained model ("why" included), the commands, and the gazetteer in routing."""

import csv
import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from grievance.models import HandlerRule, Status
from grievance.routing_model.services import routing_model_train
from grievance.services.routing import complaint_route, routing_index_clear
from tests.grievance.factories import ComplaintFactory, MatterFactory, territory

URL = "/api/v1/routing/suggest/"


@pytest.fixture
def trained(demo_tree, small_data_dir, var_dir):
    model = routing_model_train(data_dir=small_data_dir, cv=0)
    routing_index_clear()
    return model


def test_api_returns_three_suggestions_with_paths_and_why(trained):
    body = {
        "title": "工地夜间施工噪音扰民",
        "description": "旁边工地每天晚上十二点还在施工，噪音很大无法休息",
    }
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert len(suggestions) >= 3
    assert all(len(s["path"]) == 3 and isinstance(s["why"], list) for s in suggestions)
    assert suggestions[0]["path"] == ["环境保护", "环境污染", "噪音污染"]
    assert "噪音" in "".join(suggestions[0]["why"])
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1


def _write_labelled(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "title", "text", "time", "label"])
        writer.writeheader()
        writer.writerows(rows)


def test_evaluate_command_last_line_is_the_json_summary(trained, small_data_dir, tmp_path, capsys):
    with open(small_data_dir / "messages" / "labelled_dev.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:12]
    path = tmp_path / "few.csv"
    _write_labelled(path, rows)
    call_command("routing_evaluate", "--input", str(path))
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert set(summary) == {"n", "accuracy", "macro_f1", "top3_accuracy"} and summary["n"] == 12
    assert 0 <= summary["macro_f1"] <= 1 and summary["top3_accuracy"] >= summary["accuracy"]
    assert len(lines) > 2  # the per-class table before it


def test_evaluate_command_cross_validates_on_the_file(demo_tree, small_data_dir, capsys):
    call_command(
        "routing_evaluate",
        "--input",
        str(small_data_dir / "messages" / "labelled_dev.csv"),
        "--cv",
        "3",
        "--data-dir",
        str(small_data_dir),
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["n"] == 60 and summary["accuracy"] > 0.5


def test_evaluate_command_errors(demo_tree, var_dir, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("routing_evaluate", "--input", str(tmp_path / "missing.csv"))
    path = tmp_path / "one.csv"
    _write_labelled(path, [{"id": "1", "title": "噪音", "text": "噪音扰民", "time": "", "label": "环境保护"}])
    with pytest.raises(CommandError, match="routing_train"):
        call_command("routing_evaluate", "--input", str(path))


def test_train_command_reports_version_and_cv(demo_tree, small_data_dir, var_dir, capsys):
    call_command("routing_train", "--data-dir", str(small_data_dir), "--cv", "2")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("routing model v1: active")
    assert set(json.loads(out[-1])) == {"n", "accuracy", "macro_f1", "top3_accuracy"}


@pytest.mark.django_db
def test_territorial_matter_without_a_point_goes_to_the_place_the_text_names(var_dir):
    place = territory()
    routing_index_clear()
    stall = MatterFactory.leaf(
        name="占道经营", keywords="摆摊", handler_rule=HandlerRule.STREET, code="L-STALL"
    )
    dispute = MatterFactory.leaf(
        name="邻里纠纷", top="政法", middle="社会治安", handler_rule=HandlerRule.COMMUNITY, code="L-DISPUTE"
    )

    def routed(matter, **fields):
        complaint = ComplaintFactory(matter=matter, matter_rule=matter.rules.first(), **fields)
        complaint_route(complaint_id=complaint.pk)
        complaint.refresh_from_db()
        return complaint

    by_address = routed(stall, title="有人摆摊", description="天天摆摊", address="六联社区市场门口")
    by_text = routed(
        dispute, title="邻居吵闹", description="六和社区居委会旁边的邻居天天吵架", address="某小区"
    )
    nowhere = routed(stall, title="有人摆摊", description="天天摆摊", address="某路口")
    assert by_address.status == Status.DISPATCHED and by_address.lead_unit == place.street_unit
    assert by_text.status == Status.DISPATCHED and by_text.lead_unit == place.community_unit
    assert nowhere.status == Status.PENDING_DISPATCH
    assert by_address.community is None and by_address.lat is None  # the complaint itself is not changed
