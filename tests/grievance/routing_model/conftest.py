"""Fixtures of the routing-model tests: a small tree and corpus (pure), a small shared-data folder and
a demo matter tree in the database, and ``VAR_DIR`` moved to a temporary folder so artefacts written
by a test never reach ``var/``."""

import csv
from pathlib import Path

import pytest

from grievance.routing_model.corpus import Corpus, Doc
from grievance.routing_model.weak import Leaf, Tree

SMALL_LEAVES = [
    Leaf("A01", ("城乡建设", "住房保障与房地产", "物业服务"), ("物业", "物业费")),
    Leaf("A02", ("城乡建设", "城市建设和市政管理", "城市公共设施"), ("路灯", "井盖")),
    Leaf("B01", ("环境保护", "环境污染", "噪音污染"), ("噪音", "扰民")),
    Leaf("B02", ("环境保护", "环境污染", "大气污染"), ("油烟", "臭味")),
    Leaf("C01", ("教育文体", "考试招生", "招生录取"), ("学位", "入学")),
    Leaf("C02", ("教育文体", "教育收费", "乱收费"), ("学费", "收费")),
]

TEXTS = {
    "A01": ["小区物业乱收停车费", "物业公司不作为，业主投诉物业服务差", "物业费上涨没有经过业主大会"],
    "A02": ["路灯坏了一个月没人修", "人行道井盖丢失很危险", "小区门口路灯不亮"],
    "B01": ["工地夜间施工噪音扰民", "酒吧音响噪音太大影响休息", "广场舞噪音扰民严重"],
    "B02": ["餐馆油烟直排熏到住户", "化工厂排放臭味刺鼻", "烧烤摊油烟污染空气"],
    "C01": ["孩子入学学位不够怎么办", "积分入学政策咨询", "小学招生录取不公平"],
    "C02": ["学校乱收补课费", "幼儿园学费涨价太多", "学校收取资料费不合理"],
}


@pytest.fixture
def small_tree() -> Tree:
    return Tree(list(SMALL_LEAVES))


@pytest.fixture
def small_corpus(small_tree) -> Corpus:
    """Labelled rows (top class) for every leaf, and unlabelled variants of the same topics."""
    corpus = Corpus()
    for code, titles in TEXTS.items():
        top = small_tree.leaves[small_tree.leaf_index[code]].path[0]
        for i, title in enumerate(titles):
            corpus.labelled.append(
                Doc(title=title, text=f"{title}，请有关部门尽快处理。第{i}次反映", top=top)
            )
            corpus.unlabelled.append(Doc(title=f"再次反映：{title}", text=f"{title}，问题一直没有解决"))
    return corpus


@pytest.fixture
def var_dir(settings, tmp_path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def small_data_dir(shared_data_dir, tmp_path) -> Path:
    """A subset of the shared messages in a temporary folder: every third labelled row (all seven
    classes), the first 150 unlabelled and 100 replied messages — a training takes a few seconds."""
    folder = tmp_path / "data" / "messages"
    folder.mkdir(parents=True)
    source = shared_data_dir / "messages"
    for name, keep in (
        ("labelled_dev.csv", lambda i: i % 3 == 0),
        ("unlabelled.csv", lambda i: i < 150),
        ("replies.csv", lambda i: i < 100),
    ):
        with open(source / name, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [row for i, row in enumerate(reader) if keep(i)]
            fields = reader.fieldnames
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    return folder.parent


@pytest.fixture
def demo_tree(db, shared_data_dir):
    """The demo responsibility list (517 leaves; without units every rule is territorial or central)."""
    from grievance.demo.matters import demo_matters_load
    from grievance.services.routing import routing_index_clear

    demo_matters_load(data_dir=shared_data_dir)
    routing_index_clear()
    yield
    routing_index_clear()
