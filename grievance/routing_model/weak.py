"""The matter tree as the model sees it, and the lexicon that gives weak labels.

``Tree`` is a plain snapshot of the active leaves (code, path, keywords) so training and prediction
never touch the database. ``Lexicon`` attaches words to nodes of the tree: a leaf's own name and
keywords to the leaf, a middle class's name and the ``TOPIC_WORDS`` of ``top/middle`` to the middle
class, ``TOPIC_WORDS`` of ``top`` to the top class. A word found in several top classes is split
between them. Scores count every occurrence (title twice, at most three per word, square-rooted).
"""

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from grievance.routing_model.lexicon import TOPIC_WORDS

GENERIC_NAMES = frozenset({"其他", "其它", "综合", "其他事项", "其他问题", "其他污染", "其他补贴"})
_SPLIT_RE = re.compile(r"[,，、;；\s]+")
_NAME_SPLIT_RE = re.compile(r"[和及与、，,“”]")
# Name parts that say nothing on their own ("管理" of 安全生产管理).
_STOP_PARTS = frozenset({"管理", "问题", "工作", "事务", "政策", "其他", "建设", "服务", "待遇", "保护"})
LEAF_NAME_WEIGHT = 1.5
WORD_WEIGHT = 1.0
TITLE_WEIGHT = 2.0
# Weak label rule: the best top class scores at least this much and twice the runner-up.
WEAK_MIN_SCORE = 3.0
WEAK_RATIO = 2.0


@dataclass(frozen=True)
class Leaf:
    code: str
    path: tuple[str, str, str]
    keywords: tuple[str, ...] = ()


@dataclass
class Tree:
    """Active leaves in code order; ``tops`` in order of first appearance (the taxonomy's order)."""

    leaves: list[Leaf]
    tops: list[str] = field(default_factory=list)
    middles: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self):
        if not self.tops:
            self.tops = list(dict.fromkeys(leaf.path[0] for leaf in self.leaves))
        if not self.middles:
            self.middles = list(dict.fromkeys(leaf.path[:2] for leaf in self.leaves))
        self.leaf_index = {leaf.code: i for i, leaf in enumerate(self.leaves)}
        self.top_index = {top: i for i, top in enumerate(self.tops)}
        middle_index = {m: i for i, m in enumerate(self.middles)}
        self.leaf_top = np.array([self.top_index[leaf.path[0]] for leaf in self.leaves], dtype=np.int32)
        self.leaf_middle = np.array([middle_index[leaf.path[:2]] for leaf in self.leaves], dtype=np.int32)
        self.middle_top = np.array([self.top_index[m[0]] for m in self.middles], dtype=np.int32)


def keywords_split(text: str) -> list[str]:
    return [k for k in (w.strip() for w in _SPLIT_RE.split(text or "")) if len(k) >= 2]


def _name_words(name: str) -> list[str]:
    if name in GENERIC_NAMES:
        return []
    parts = [p for p in _NAME_SPLIT_RE.split(name) if len(p) >= 2 and p not in _STOP_PARTS]
    return list(dict.fromkeys([name, *parts]))


@dataclass
class LexiconScores:
    top: np.ndarray  # per top class
    leaf: np.ndarray  # per leaf: its own words plus its middle class's words
    hits: dict[str, float]  # word → weight found (for explanations)


class Lexicon:
    """Words attached to nodes; ``score`` finds them by substring lookup (lengths 2–8)."""

    def __init__(self, tree: Tree):
        self.tree = tree
        raw: dict[str, list[tuple[str, int, float]]] = defaultdict(list)  # word → [(level, index, w)]
        for i, leaf in enumerate(tree.leaves):
            for word in _name_words(leaf.path[2]):
                raw[word].append(("leaf", i, LEAF_NAME_WEIGHT))
            for word in leaf.keywords:
                raw[word].append(("leaf", i, WORD_WEIGHT))
        for j, (top, middle) in enumerate(tree.middles):
            words = [*_name_words(middle), *keywords_split(TOPIC_WORDS.get(f"{top}/{middle}", ""))]
            for word in dict.fromkeys(words):
                raw[word].append(("middle", j, WORD_WEIGHT))
        for k, top in enumerate(tree.tops):
            for word in dict.fromkeys(keywords_split(TOPIC_WORDS.get(top, ""))):
                raw[word].append(("top", k, WORD_WEIGHT))
        self.entries: dict[str, list[tuple[str, int, float]]] = {}
        for word, targets in raw.items():
            if len(word) < 2 or len(word) > 8:
                continue
            tops = {self._top_of(level, index) for level, index, _w in targets}
            share = 1.0 / len(tops)
            best: dict[tuple[str, int], float] = {}
            for level, index, weight in targets:
                best[(level, index)] = max(best.get((level, index), 0.0), weight * share)
            self.entries[word] = [(level, index, w) for (level, index), w in best.items()]
        self.lengths = sorted({len(w) for w in self.entries}, reverse=True)

    def _top_of(self, level: str, index: int) -> int:
        if level == "top":
            return index
        if level == "middle":
            return int(self.tree.middle_top[index])
        return int(self.tree.leaf_top[index])

    def _found(self, text: str) -> Counter:
        found: Counter = Counter()
        entries, lengths = self.entries, self.lengths
        for i in range(len(text) - 1):
            for n in lengths:
                piece = text[i : i + n]
                if len(piece) == n and piece in entries:
                    found[piece] += 1
        return found

    def score(self, title: str, text: str) -> LexiconScores:
        tree = self.tree
        top = np.zeros(len(tree.tops))
        middle = np.zeros(len(tree.middles))
        leaf = np.zeros(len(tree.leaves))
        weights: Counter = Counter()
        for part, factor in ((title or "", TITLE_WEIGHT), (text or "", 1.0)):
            for word, count in self._found(part).items():
                weights[word] += factor * math.sqrt(min(count, 3))
        for word, weight in weights.items():
            for level, index, w in self.entries[word]:
                if level == "top":
                    top[index] += weight * w
                elif level == "middle":
                    middle[index] += weight * w
                else:
                    leaf[index] += weight * w
        top_total = top + np.bincount(tree.middle_top, weights=middle, minlength=len(top))
        top_total += np.bincount(tree.leaf_top, weights=leaf, minlength=len(top))
        return LexiconScores(top=top_total, leaf=leaf + middle[tree.leaf_middle], hits=dict(weights))

    def weak_top(self, scores: LexiconScores) -> int | None:
        """The top class the words clearly point to (see ``WEAK_MIN_SCORE`` / ``WEAK_RATIO``), else None."""
        order = np.argsort(-scores.top)
        best = scores.top[order[0]]
        runner = scores.top[order[1]] if len(order) > 1 else 0.0
        if best >= WEAK_MIN_SCORE and best >= WEAK_RATIO * runner:
            return int(order[0])
        return None

    def weak_leaf(self, scores: LexiconScores, top: int) -> int | None:
        """The leaf of ``top`` whose own words (or its middle class's) scored best, when one leads."""
        members = np.flatnonzero(self.tree.leaf_top == top)
        values = scores.leaf[members]
        if not len(values) or values.max() <= 0:
            return None
        best = np.flatnonzero(values == values.max())
        return int(members[best[0]]) if len(best) == 1 else None
