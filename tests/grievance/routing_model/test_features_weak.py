"""Features (hashing, TF-IDF, readable terms) and the lexicon's weak labels."""

import numpy as np
import pytest

from grievance.routing_model.features import FeatureSpace, analyze, hashed_counts, text_clean
from grievance.routing_model.weak import Lexicon


def test_anonymised_place_codes_and_spreadsheet_noise_are_dropped():
    assert text_clean("A市A3区K8县物业_x000D_ 乱收费") == "物业 乱收费"
    doc = analyze("A市小区物业", "A1区的物业")
    assert "A" not in "".join(doc.words) and doc.chars.startswith("小区物业小区物业")


def test_rows_are_normalised_and_unseen_columns_dropped():
    docs = [analyze("物业乱收费", "小区物业乱收停车费"), analyze("路灯坏了", "小区路灯不亮")]
    space = FeatureSpace(min_df=1).fit(hashed_counts(docs))
    x = space.transform(hashed_counts([*docs, analyze("量子力学", "黑洞蒸发")]))
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    assert np.allclose(norms[:2], 1.0, atol=1e-5)
    assert norms[2] == 0.0  # nothing of it was seen in training


def test_terms_name_the_columns_of_words_and_ngrams_inside_words():
    doc = analyze("物业乱收停车费", "小区物业未经业主同意收费")
    space = FeatureSpace(min_df=1).fit(hashed_counts([doc]))
    x = space.transform(hashed_counts([doc]))
    named = space.terms(doc)
    assert set(named) <= set(x.indices.tolist())
    assert {"物业", "停车费", "小区_物业", "车费"} <= set(named.values())
    assert "费小" not in named.values()  # crosses the boundary of 停车费 and 小区


def test_lexicon_weak_top_needs_a_clear_lead(small_tree):
    lexicon = Lexicon(small_tree)
    clear = lexicon.score("小区物业乱收物业费", "物业公司服务差")
    assert small_tree.tops[lexicon.weak_top(clear)] == "城乡建设"
    assert lexicon.weak_top(lexicon.score("今天天气不错", "")) is None
    mixed = lexicon.score("物业噪音", "")  # one word for each class: no clear lead
    assert lexicon.weak_top(mixed) is None


def test_lexicon_weak_leaf_is_within_the_top(small_tree):
    lexicon = Lexicon(small_tree)
    scores = lexicon.score("晚上噪音扰民", "工地施工噪音")
    top = lexicon.weak_top(scores)
    leaf = lexicon.weak_leaf(scores, top)
    assert small_tree.leaves[leaf].code == "B01"


@pytest.mark.parametrize("word", ["交警", "公交", "电梯", "食品安全"])
def test_topic_words_follow_the_tree(word):
    """Words sit where the taxonomy puts the topic (buses under 城乡建设, lifts under 商贸旅游, ...)."""
    from grievance.routing_model.lexicon import TOPIC_WORDS

    owners = {key.split("/")[0] for key, words in TOPIC_WORDS.items() if word in words.split(",")}
    expected = {"交警": "政法", "公交": "城乡建设", "电梯": "商贸旅游", "食品安全": "卫生计生"}[word]
    assert owners == {expected}
