"""Training on a small tree: leaf scores, learning from dispatches, the honest CV protocol."""

import numpy as np

from grievance.routing_model import train
from grievance.routing_model.corpus import Doc

NOISE = ("学校门口乱停车很严重", "学校门口乱停车很严重，接送孩子的车辆把路堵死")


def _leaf_code(artefact, title, text):
    prediction = artefact.predict(title, text)
    return artefact.tree.leaves[int(np.argmax(prediction.leaf))].code, prediction


def test_leaf_scores_are_a_distribution_consistent_with_the_top(small_corpus, small_tree):
    artefact = train.fit(small_corpus, small_tree)
    code, prediction = _leaf_code(artefact, "楼下餐馆油烟太大", "餐馆油烟直排，家里全是油烟味")
    assert code == "B02"
    assert abs(prediction.leaf.sum() - 1.0) < 1e-6 and abs(prediction.top.sum() - 1.0) < 1e-6
    per_top = np.bincount(small_tree.leaf_top, weights=prediction.leaf, minlength=len(small_tree.tops))
    assert np.allclose(per_top, prediction.top)
    assert "油烟" in artefact.why(prediction, small_tree.leaf_index["B02"])


def test_a_corrected_dispatch_changes_the_suggestion_for_that_text(small_corpus, small_tree):
    before, _p = _leaf_code(train.fit(small_corpus, small_tree), *NOISE)
    target = "A02" if before != "A02" else "B01"
    small_corpus.labelled.append(Doc(title=NOISE[0], text=NOISE[1], leaf=target))
    after, _p = _leaf_code(train.fit(small_corpus, small_tree), *NOISE)
    assert after == target != before


def test_a_returned_dispatch_pushes_its_matter_down(small_corpus, small_tree):
    title, text = "小区路灯坏了", "小区门口路灯坏了好几天"
    artefact = train.fit(small_corpus, small_tree)
    before = artefact.predict(title, text).leaf[small_tree.leaf_index["A02"]]
    small_corpus.negatives.append(Doc(title=title, text=text, leaf="A02", positive=False))
    after = train.fit(small_corpus, small_tree).predict(title, text).leaf[small_tree.leaf_index["A02"]]
    assert after < before


def test_cross_validation_never_trains_on_what_it_scores(small_corpus, small_tree, monkeypatch):
    # An unlabelled copy of every labelled text: the fold that scores it must not train on the copy.
    small_corpus.unlabelled += [Doc(title=d.title, text=d.text) for d in small_corpus.labelled]
    prep = train.prepare(small_corpus, small_tree)
    docs = small_corpus.all_docs()
    seen = []
    real_fit_top = train.fit_top

    def spy(prep_, labelled, unlabelled, params):
        seen.append(({docs[i].key for i in labelled}, {docs[i].key for i in unlabelled}))
        return real_fit_top(prep_, labelled, unlabelled, params)

    monkeypatch.setattr(train, "fit_top", spy)
    result = train.cross_validate(prep, k=3)
    assert result["n"] == len(small_corpus.labelled) and len(seen) == 3
    all_keys = {d.key for d in small_corpus.labelled}
    scored_per_fold = [all_keys - labelled for labelled, _u in seen]
    assert set().union(*scored_per_fold) == all_keys  # every labelled row is scored once
    for (_labelled, unlabelled), scored in zip(seen, scored_per_fold, strict=True):
        assert scored and not (scored & unlabelled)
    assert 0.25 <= result["calibration"] <= 8.0


def test_calibration_changes_confidence_not_order(small_corpus, small_tree):
    artefact = train.fit(small_corpus, small_tree)
    sharp = artefact.predict(*NOISE).top
    artefact.top_params.calibration = 3.0
    soft = artefact.predict(*NOISE).top
    assert list(np.argsort(-sharp)) == list(np.argsort(-soft)) and soft.max() < sharp.max()
