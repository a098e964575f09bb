"""Versions and promotion, learning from recorded dispatches, examples from committed events."""

import pytest

from grids.models import UnitKind
from grievance.models import ComplaintEvent, Matter, Status
from grievance.models.routing import RoutingExample, RoutingExampleKind, RoutingModel
from grievance.routing_model import store
from grievance.routing_model.model import TopParams
from grievance.routing_model.services import (
    evaluation_not_worse,
    routing_example_from_event,
    routing_example_record,
    routing_model_promote,
    routing_model_train,
)
from grievance.routing_model.train import TrainParams
from grievance.services.routing import routing_index_clear, routing_suggest
from tests.grievance.factories import ComplaintFactory, MatterFactory, UnitFactory, UserFactory

TEXT = ("楼下餐馆油烟直排", "楼下新开的餐馆每天中午晚上排放油烟，熏得家里全是油烟味，窗户都不敢开")


def test_not_worse_compares_accuracy_and_top3():
    old = {"accuracy": 0.86, "top3_accuracy": 0.98}
    assert evaluation_not_worse({"accuracy": 0.86, "top3_accuracy": 0.98}, old)
    assert not evaluation_not_worse({"accuracy": 0.85, "top3_accuracy": 0.99}, old)
    assert not evaluation_not_worse({"accuracy": 0.90, "top3_accuracy": 0.97}, old)
    assert evaluation_not_worse({"accuracy": 0.855, "top3_accuracy": 0.98}, old, tolerance=0.01)
    assert evaluation_not_worse({}, {}) and not evaluation_not_worse({}, old)


@pytest.mark.django_db
def test_first_model_is_promoted_and_a_rerun_trains_nothing(demo_tree, small_data_dir, var_dir):
    model = routing_model_train(data_dir=small_data_dir, cv=2)
    assert model.is_active and model.version == 1
    assert set(model.evaluation) >= {"n", "accuracy", "macro_f1", "top3_accuracy", "per_class", "calibration"}
    assert model.trained_on["labelled"] == 60 and model.trained_on["unlabelled"] == 250
    assert (var_dir / "models" / model.artefact_path).is_file()
    assert routing_model_train(data_dir=small_data_dir, cv=2).pk == model.pk  # idempotent
    assert RoutingModel.objects.count() == 1


@pytest.mark.django_db
def test_a_worse_model_is_not_promoted(demo_tree, small_data_dir, var_dir):
    good = routing_model_train(data_dir=small_data_dir, cv=2)
    # No lexicon, no prior and an SVM that can hardly move off its intercepts: a much worse model.
    crippled = TrainParams(
        C=1e-6, self_training_rounds=0, top=TopParams(lexicon_weight=0.0, prior_weight=0.0)
    )
    worse = routing_model_train(data_dir=small_data_dir, cv=2, params=crippled)
    assert worse.evaluation["accuracy"] < good.evaluation["accuracy"]
    assert not worse.is_active
    assert RoutingModel.objects.get(is_active=True).pk == good.pk
    assert (var_dir / "models" / worse.artefact_path).is_file()  # kept, can be promoted by hand
    assert routing_model_promote(version=worse.version).is_active
    assert not RoutingModel.objects.get(pk=good.pk).is_active


@pytest.mark.django_db
def test_retrain_from_a_corrected_dispatch_changes_the_suggestion(demo_tree, small_data_dir, var_dir):
    routing_model_train(data_dir=small_data_dir, cv=0)
    routing_index_clear()
    before = routing_suggest(title=TEXT[0], description=TEXT[1])
    assert len(before) >= 3
    target = Matter.objects.get(level=3, name="食品安全")  # the dispatcher saw a food-safety case
    assert before[0].matter != target.code
    complaint = ComplaintFactory(title=TEXT[0], description=TEXT[1])
    routing_example_record(complaint=complaint, unit=None, matter=target, confirmed=False)
    model = routing_model_train(data_dir=small_data_dir, cv=0, force=True)
    assert model.is_active and model.trained_on["confirmed"] == 1
    store.active_cache_clear()
    after = routing_suggest(title=TEXT[0], description=TEXT[1])
    assert after[0].matter == target.code and after[0].path[0] == "卫生计生"


@pytest.mark.django_db
def test_without_a_model_the_matcher_answers(demo_tree, var_dir):
    suggestions = routing_suggest(title="物业服务太差", description="物业公司不打扫卫生，物业费还涨价")
    assert len(suggestions) >= 3 and suggestions[0].path == ["城乡建设", "住房保障与房地产", "物业服务"]
    assert "物业服务" in suggestions[0].why  # the matched names and keywords


@pytest.fixture
def dispatch_world(db):
    cg = UnitFactory(code="PS-CG", name="城市管理局", kind=UnitKind.DEPARTMENT)
    zj = UnitFactory(code="PS-ZJ", name="住房和建设局", kind=UnitKind.DEPARTMENT)
    lamp = MatterFactory.leaf(name="路灯维修", keywords="路灯,灯杆", unit=cg, code="L-LAMP")
    estate = MatterFactory.leaf(name="物业服务", keywords="物业,物业费", unit=zj, code="L-ESTATE")
    routing_index_clear()
    complaint = ComplaintFactory(
        title="小区物业不修路灯",
        description="小区里的路灯坏了，物业一直不修",
        matter=lamp,
        matter_rule=lamp.rules.first(),
        status=Status.PENDING_DISPATCH,
    )
    return {"cg": cg, "zj": zj, "lamp": lamp, "estate": estate, "complaint": complaint}


def _event(complaint, action, unit, actor):
    return ComplaintEvent.objects.create(
        complaint=complaint, at=complaint.received_at, actor=actor, action=action, payload={"unit": unit.code}
    )


def test_confirmed_corrected_returned_and_system_dispatches(dispatch_world):
    w, dispatcher = dispatch_world, UserFactory(username="dispatcher")
    confirmed = routing_example_from_event(event=_event(w["complaint"], "dispatch", w["cg"], dispatcher))
    assert (confirmed.kind, confirmed.matter, confirmed.unit) == (
        RoutingExampleKind.CONFIRMED,
        w["lamp"],
        w["cg"],
    )
    corrected = routing_example_from_event(event=_event(w["complaint"], "dispatch", w["zj"], dispatcher))
    assert (corrected.kind, corrected.matter) == (RoutingExampleKind.CORRECTED, w["estate"])
    returned = routing_example_from_event(event=_event(w["complaint"], "return", w["zj"], None))
    assert (returned.kind, returned.matter, returned.unit) == (
        RoutingExampleKind.RETURNED,
        w["lamp"],
        w["zj"],
    )
    assert not returned.positive
    assert routing_example_from_event(event=_event(w["complaint"], "dispatch", w["cg"], None)) is None
    assert RoutingExample.objects.count() == 3
    assert corrected.title == "小区物业不修路灯" and "路灯坏了" in corrected.text


def test_the_event_pipeline_records_each_event_once(dispatch_world):
    from grievance.services.pipeline import complaint_event_process

    event = _event(dispatch_world["complaint"], "dispatch", dispatch_world["zj"], UserFactory(username="d2"))
    complaint_event_process(event_id=event.pk, notifies=False)
    complaint_event_process(event_id=event.pk, notifies=False)  # replayed task
    example = RoutingExample.objects.get()
    assert example.event_id == event.pk and example.kind == RoutingExampleKind.CORRECTED


def test_record_refuses_a_non_leaf_matter(dispatch_world):
    from common.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as caught:
        routing_example_record(
            complaint=dispatch_world["complaint"],
            unit=None,
            matter=dispatch_world["lamp"].parent,
            confirmed=True,
        )
    assert "matter" in caught.value.errors
