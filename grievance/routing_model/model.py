"""The trained routing model: top class probabilities, leaf scores and the words behind them.

Top level: a linear SVM over the text features, turned into probabilities by a softmax with a
calibrated temperature, plus the lexicon's class scores and the log class prior (the share of each
class among labelled messages and confirmed dispatches, Dirichlet-smoothed so a class never seen
keeps a small chance). Leaf level: within each top class a softmax over the cosine to each leaf's
centroid (matter names and keywords, weakly labelled messages, confirmed dispatches minus returned
ones) and the leaf's lexicon score. Near-duplicates of confirmed dispatches ("memory") lift their
matter, near-duplicates of returned ones push it down: a correction takes effect at the next training.

Invariant: ``leaf_score = P(top) · P(leaf | top)``, so leaf scores of one text sum to 1 and the best
leaf's top is always a likely top.
"""

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from grievance.routing_model.features import Analyzed, FeatureSpace, analyze, hashed_counts
from grievance.routing_model.weak import Lexicon, LexiconScores, Tree

MEMORY_THRESHOLD = 0.6  # cosine above which a stored example counts as "the same complaint"
MEMORY_BOOST = 6.0
WHY_TERMS = 5
WHY_COLUMNS = 60


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass
class TopParams:
    temperature: float = 3.0
    lexicon_weight: float = 0.5
    prior_weight: float = 1.0
    # Divides the final logits: fitted on out-of-fold predictions, it changes confidence, never the order.
    calibration: float = 1.0


@dataclass
class LeafParams:
    kappa: float = 20.0
    lexicon_weight: float = 0.5


@dataclass
class Prediction:
    top: np.ndarray  # P(top) per tree top
    leaf: np.ndarray  # P(top(leaf)) · P(leaf | top) per tree leaf
    doc: Analyzed
    x: sp.csr_matrix
    lexicon: LexiconScores
    named: dict | None = None  # kept column → term, filled by the first ``why``
    centroid_rows: sp.csc_matrix | None = None  # the centroids at the text's columns, ditto


@dataclass
class RoutingArtefact:
    """Everything a suggestion needs, pickled as one file (see ``grievance.routing_model.store``)."""

    tree: Tree
    lexicon: Lexicon
    space: FeatureSpace
    coef: np.ndarray  # (n_tops, n_columns) float32; rows of classes without training data are 0
    intercept: np.ndarray  # (n_tops,), -inf-like for classes without training data
    log_prior: np.ndarray  # (n_tops,)
    top_params: TopParams
    centroids_t: sp.csr_matrix  # (n_columns, n_leaves): leaf centroids as columns, each L2-normalised
    leaf_params: LeafParams
    memory_t: sp.csr_matrix  # (n_columns, n_examples): stored examples as columns
    memory_leaf: np.ndarray  # leaf index per example
    memory_sign: np.ndarray  # +1 confirmed, -1 returned
    trained_on: dict = field(default_factory=dict)

    # --- top level -------------------------------------------------------------------------------

    def decision(self, x: sp.csr_matrix) -> np.ndarray:
        """(n_docs, n_tops) SVM margins; one document gathers only the columns it has (fast path)."""
        if x.shape[0] == 1:
            return (self.coef[:, x.indices] @ x.data + self.intercept)[None, :]
        return np.asarray(x @ np.ascontiguousarray(self.coef.T)) + self.intercept

    def top_logits(self, x: sp.csr_matrix, lex_top: np.ndarray) -> np.ndarray:
        """(n_docs, n_tops) logits; ``lex_top`` is (n_docs, n_tops)."""
        p = self.top_params
        decision = self.decision(x)
        return p.temperature * decision + p.lexicon_weight * lex_top + p.prior_weight * self.log_prior

    def top_proba(self, x: sp.csr_matrix, lex_top: np.ndarray) -> np.ndarray:
        return softmax(self.top_logits(x, lex_top) / self.top_params.calibration)

    # --- one text --------------------------------------------------------------------------------

    def _memory_boost(self, x: sp.csr_matrix) -> np.ndarray:
        boost = np.zeros(len(self.tree.leaves))
        if self.memory_t.shape[1] == 0:
            return boost
        sims = (x @ self.memory_t).toarray().ravel()
        strength = np.clip((sims - MEMORY_THRESHOLD) / (1.0 - MEMORY_THRESHOLD), 0.0, 1.0)
        for leaf, sign, s in zip(self.memory_leaf, self.memory_sign, strength, strict=True):
            if s > 0:
                value = MEMORY_BOOST * s * sign
                boost[leaf] = max(boost[leaf], value) if sign > 0 else min(boost[leaf], value)
        return boost

    def predict(self, title: str, text: str) -> Prediction:
        doc = analyze(title, text)
        x = self.space.transform(hashed_counts([doc]))
        lex = self.lexicon.score(doc.title, doc.text)
        tree = self.tree
        boost = self._memory_boost(x)
        top_logits = self.top_logits(x, lex.top[None, :])[0]
        # A remembered confirmation also lifts its top class (a returned one does not lower it: the
        # class may be right while the matter was wrong).
        top_boost = np.zeros(len(tree.tops))
        np.maximum.at(top_boost, tree.leaf_top, np.maximum(boost, 0.0))
        top = softmax((top_logits + top_boost) / self.top_params.calibration)
        sims = (x @ self.centroids_t).toarray().ravel()
        lp = self.leaf_params
        logits = lp.kappa * sims + lp.lexicon_weight * lex.leaf + boost
        # Softmax within each top class: exp(logit - max of its class) / sum over its class.
        n_tops = len(tree.tops)
        class_max = np.full(n_tops, -np.inf)
        np.maximum.at(class_max, tree.leaf_top, logits)
        e = np.exp(logits - class_max[tree.leaf_top])
        leaf = top[tree.leaf_top] * e / np.bincount(tree.leaf_top, weights=e, minlength=n_tops)[tree.leaf_top]
        return Prediction(top=top, leaf=leaf, doc=doc, x=x, lexicon=lex)

    def why(self, prediction: Prediction, leaf: int, limit: int = WHY_TERMS) -> list[str]:
        """Words of the text that speak most for ``leaf``: the classifier's weights for its top class
        and the leaf centroid's, and the lexicon words attached to the leaf, its middle or top class."""
        tree = self.tree
        top = int(tree.leaf_top[leaf])
        x = prediction.x
        columns, values = x.indices, x.data
        if prediction.centroid_rows is None:
            prediction.centroid_rows = self.centroids_t[columns].tocsc()
        centroid = prediction.centroid_rows[:, leaf].toarray().ravel()
        contribution = values * (
            self.coef[top, columns] * self.top_params.temperature + centroid * self.leaf_params.kappa
        )
        # Only the strongest columns can make the list: attributing the rest would be wasted work.
        strongest = np.argsort(-contribution)[:WHY_COLUMNS]
        columns, contribution = columns[strongest], contribution[strongest]
        if prediction.named is None:
            prediction.named = self.space.terms(prediction.doc)
        named = prediction.named
        words = {w for w in prediction.doc.words if len(w) > 1}
        scores: dict[str, float] = {}

        def credit(word: str, value: float) -> None:
            scores[word] = scores.get(word, 0.0) + value

        # Everything is credited to whole words of the text: a word pair to both words, a character
        # n-gram to the words containing it (an n-gram across a word boundary explains nothing).
        for column, value in zip(columns, contribution, strict=True):
            term = named.get(int(column))
            if not term or value <= 0:
                continue
            if "_" in term:
                for part in term.split("_"):
                    credit(part, value / 2)
            elif term in words:
                credit(term, float(value))
            else:
                holders = [w for w in words if term in w]
                for word in holders:
                    credit(word, value / len(holders))
        middle = int(tree.leaf_middle[leaf])
        for word, weight in prediction.lexicon.hits.items():
            for level, index, w in self.lexicon.entries.get(word, ()):
                if (
                    (level == "leaf" and index == leaf)
                    or (level == "middle" and index == middle)
                    or (level == "top" and index == top)
                ):
                    scores[word] = scores.get(word, 0.0) + weight * w * self.top_params.lexicon_weight
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        terms = [word for word, _value in ranked if len(word) > 1][:limit]
        return terms
