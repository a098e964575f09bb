"""Training the routing model, and the honest way to score it (cross-validation).

Data (see ``corpus``): labelled messages (top class; confirmed dispatches also carry the leaf), unlabelled
messages (weak labels from the lexicon, the reply text helping), returned dispatches (negative evidence).
Steps: cut and hash every text once (``prepare``); weak top labels where the lexicon is clear; a linear
SVM on labelled (×3), confirmed (×5) and weak (×1) rows, each class's total weight balanced (capped);
optionally self-training rounds that relabel the unlabelled rows the model is sure about; leaf centroids
from matter names, weak leaf labels and dispatches; the temperature that makes probabilities honest,
fitted on out-of-fold predictions.

``cross_validate`` never lets a scored message's label (or an unlabelled copy of its text) into the fold's
training data; ``fit`` uses everything.
"""

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from grievance.routing_model.corpus import Corpus
from grievance.routing_model.evaluate import metrics_compute
from grievance.routing_model.features import FeatureSpace, analyze, counts_rows, hashed_counts
from grievance.routing_model.model import LeafParams, RoutingArtefact, TopParams, softmax
from grievance.routing_model.weak import Lexicon, Tree

REPLY_WEIGHT = 0.5  # the reply names the handling department: it counts for weak labels, never as a feature
REPLY_CHARS = 400
CENTROID_TERMS = 3000


@dataclass
class TrainParams:
    min_df: int = 2
    C: float = 0.2
    labelled_weight: float = 3.0
    example_weight: float = 5.0
    weak_weight: float = 1.0
    balance_cap: float = 10.0
    self_training_rounds: int = 1
    self_training_threshold: float = 0.6
    prior_alpha: float = 1.0
    top: TopParams = field(default_factory=TopParams)
    leaf: LeafParams = field(default_factory=LeafParams)


@dataclass
class Prepared:
    """Texts analysed and hashed once; labelled rows first, then unlabelled, then negatives."""

    corpus: Corpus
    tree: Tree
    lexicon: Lexicon
    counts: list[sp.csr_matrix]
    lex_top: np.ndarray  # (n_docs, n_tops) lexicon scores of title + text (what prediction sees)
    weak_top: np.ndarray  # per doc: weak top index or -1 (lexicon over title, text and reply)
    weak_leaf: np.ndarray  # per doc: weak leaf index or -1
    seconds: float = 0.0

    @property
    def n_labelled(self) -> int:
        return len(self.corpus.labelled)

    @property
    def n_unlabelled(self) -> int:
        return len(self.corpus.unlabelled)

    def rows(self, group: str) -> np.ndarray:
        a, b = self.n_labelled, self.n_labelled + self.n_unlabelled
        spans = {"labelled": (0, a), "unlabelled": (a, b), "negatives": (b, b + len(self.corpus.negatives))}
        start, end = spans[group]
        return np.arange(start, end)


def prepare(corpus: Corpus, tree: Tree) -> Prepared:
    started = time.perf_counter()
    lexicon = Lexicon(tree)
    docs = corpus.all_docs()
    analysed = [analyze(d.title, d.text) for d in docs]
    counts = hashed_counts(analysed)
    lex_top = np.zeros((len(docs), len(tree.tops)))
    weak_top = np.full(len(docs), -1, dtype=np.int32)
    weak_leaf = np.full(len(docs), -1, dtype=np.int32)
    for i, (doc, a) in enumerate(zip(docs, analysed, strict=True)):
        scores = lexicon.score(a.title, a.text)
        lex_top[i] = scores.top
        if doc.extra:
            extra = lexicon.score("", doc.extra[:REPLY_CHARS])
            scores.top = scores.top + REPLY_WEIGHT * extra.top
            scores.leaf = scores.leaf + REPLY_WEIGHT * extra.leaf
        leaf = tree.leaf_index.get(doc.leaf) if doc.leaf else None
        top = tree.top_index.get(doc.top) if doc.top else None
        if top is None:
            top = int(tree.leaf_top[leaf]) if leaf is not None else lexicon.weak_top(scores)
        if top is not None:
            weak_top[i] = top
            leaf = leaf if leaf is not None else lexicon.weak_leaf(scores, top)
            weak_leaf[i] = -1 if leaf is None else leaf
    return Prepared(
        corpus, tree, lexicon, counts, lex_top, weak_top, weak_leaf, time.perf_counter() - started
    )


def _balanced(labels: np.ndarray, weights: np.ndarray, cap: float) -> np.ndarray:
    """Give every class the same total weight (a rare class gains at most ``cap`` times)."""
    _classes, inverse = np.unique(labels, return_inverse=True)
    totals = np.bincount(inverse, weights=weights)
    factor = np.minimum(totals.mean() / totals, cap)
    return weights * factor[inverse]


def _svm(x, labels, weights, n_tops: int, C: float) -> tuple[np.ndarray, np.ndarray]:
    """(coef, intercept) over all tops; a class without rows gets zero weights and a very low intercept."""
    coef = np.zeros((n_tops, x.shape[1]), dtype=np.float32)
    intercept = np.full(n_tops, -10.0)
    classes = np.unique(labels)
    if len(classes) == 1:
        intercept[classes[0]] = 1.0
        return coef, intercept
    svm = LinearSVC(C=C, max_iter=2000)
    svm.fit(x, labels, sample_weight=weights / weights.mean())
    if len(classes) == 2:  # binary: one hyperplane, positive side = classes[1]
        coef[classes[1]], intercept[classes[1]] = svm.coef_[0] / 2, svm.intercept_[0] / 2
        coef[classes[0]], intercept[classes[0]] = -svm.coef_[0] / 2, -svm.intercept_[0] / 2
    else:
        coef[classes], intercept[classes] = svm.coef_, svm.intercept_
    return coef, intercept


@dataclass
class TopModel:
    space: FeatureSpace
    coef: np.ndarray
    intercept: np.ndarray
    log_prior: np.ndarray
    n_weak: int
    n_pseudo: int


def _log_prior(labels: np.ndarray, n_tops: int, alpha: float) -> np.ndarray:
    counts = np.bincount(labels, minlength=n_tops).astype(float) + alpha
    return np.log(counts / counts.sum())


def fit_top(prep: Prepared, labelled: np.ndarray, unlabelled: np.ndarray, params: TrainParams) -> TopModel:
    """Fit the feature space and the top-level SVM on the given rows (indices into the prepared docs)."""
    corpus_docs = prep.corpus.all_docs()
    n_tops = len(prep.tree.tops)
    space = FeatureSpace(min_df=params.min_df).fit(
        counts_rows(prep.counts, np.concatenate([labelled, unlabelled]))
    )
    x_labelled = space.transform(counts_rows(prep.counts, labelled))
    x_unlabelled = space.transform(counts_rows(prep.counts, unlabelled))
    y_labelled = prep.weak_top[labelled]
    w_labelled = np.array(
        [params.example_weight if corpus_docs[i].leaf else params.labelled_weight for i in labelled]
    ) * np.array([corpus_docs[i].weight for i in labelled])
    weak_mask = prep.weak_top[unlabelled] >= 0
    y_weak, w_weak = prep.weak_top[unlabelled][weak_mask], np.full(weak_mask.sum(), params.weak_weight)
    x_weak = x_unlabelled[weak_mask]
    log_prior = _log_prior(y_labelled, n_tops, params.prior_alpha)
    n_pseudo = 0
    for round_ in range(params.self_training_rounds + 1):
        x = sp.vstack([x_labelled, x_weak], format="csr")
        y = np.concatenate([y_labelled, y_weak]).astype(np.int32)
        w = _balanced(y, np.concatenate([w_labelled, w_weak]), params.balance_cap)
        coef, intercept = _svm(x, y, w, n_tops, params.C)
        if round_ == params.self_training_rounds or not len(unlabelled):
            break
        # Self-training: the unlabelled rows the model is sure about (lexicon and prior included) get
        # its label, weighted by its confidence; the others drop out of this round.
        decision = np.asarray(x_unlabelled @ np.ascontiguousarray(coef.T)) + intercept
        logits = params.top.temperature * decision + params.top.lexicon_weight * prep.lex_top[unlabelled]
        proba = softmax(logits + params.top.prior_weight * log_prior)
        confident = proba.max(axis=1) >= params.self_training_threshold
        y_weak = proba.argmax(axis=1)[confident]
        w_weak = params.weak_weight * proba.max(axis=1)[confident]
        x_weak = x_unlabelled[confident]
        n_pseudo = int(confident.sum())
    return TopModel(space, coef, intercept, log_prior, int(weak_mask.sum()), n_pseudo)


def _centroids(prep: Prepared, space: FeatureSpace, rows: np.ndarray, params: TrainParams) -> sp.csr_matrix:
    """Per leaf: its names and keywords, its weakly labelled messages, its confirmed dispatches (×5)
    minus half as much of its returned ones; negative entries clipped, rows pruned and L2-normalised."""
    tree = prep.tree
    docs = prep.corpus.all_docs()
    names = [
        analyze(f"{leaf.path[2]} {leaf.path[1]}", " ".join([leaf.path[2], *leaf.keywords]))
        for leaf in tree.leaves
    ]
    x_names = space.transform(hashed_counts(names))
    negatives = prep.rows("negatives")
    all_rows = np.concatenate([rows, negatives])
    leaves = prep.weak_leaf[all_rows]
    has_leaf = leaves >= 0
    x = space.transform(counts_rows(prep.counts, all_rows[has_leaf]))
    weights = np.array(
        [
            (params.example_weight if docs[i].leaf else 1.0) * (1.0 if docs[i].positive else -0.5)
            for i in all_rows[has_leaf]
        ]
    )
    assign = sp.csr_matrix(
        (weights, (leaves[has_leaf], np.arange(len(weights)))), shape=(len(tree.leaves), len(weights))
    )
    centroids = (assign @ x + x_names).tocsr()
    centroids.data = np.maximum(centroids.data, 0.0)
    centroids.eliminate_zeros()
    pruned = []
    for i in range(centroids.shape[0]):
        row = centroids.getrow(i)
        if row.nnz > CENTROID_TERMS:
            keep = np.argsort(-row.data)[:CENTROID_TERMS]
            row = sp.csr_matrix((row.data[keep], (np.zeros(len(keep)), row.indices[keep])), shape=row.shape)
        pruned.append(row)
    return normalize(sp.vstack(pruned, format="csr")).astype(np.float32)


def fit(
    corpus: Corpus, tree: Tree, params: TrainParams | None = None, prep: Prepared | None = None
) -> RoutingArtefact:
    params = params or TrainParams()
    prep = prep or prepare(corpus, tree)
    labelled = prep.rows("labelled")
    top = fit_top(prep, labelled, prep.rows("unlabelled"), params)
    rows = np.concatenate([labelled, prep.rows("unlabelled")])
    centroids = _centroids(prep, top.space, rows, params)
    docs = corpus.all_docs()
    memory_rows = [i for i in [*labelled, *prep.rows("negatives")] if docs[i].leaf in tree.leaf_index]
    memory = top.space.transform(counts_rows(prep.counts, np.array(memory_rows, dtype=np.int64)))
    return RoutingArtefact(
        tree=tree,
        lexicon=prep.lexicon,
        space=top.space,
        coef=top.coef,
        intercept=top.intercept,
        log_prior=top.log_prior,
        top_params=TopParams(**vars(params.top)),
        centroids_t=centroids.T.tocsr(),
        leaf_params=params.leaf,
        memory_t=memory.T.tocsr(),
        memory_leaf=np.array([tree.leaf_index[docs[i].leaf] for i in memory_rows], dtype=np.int32),
        memory_sign=np.array([1 if docs[i].positive else -1 for i in memory_rows], dtype=np.int8),
        trained_on={
            "labelled": sum(1 for d in corpus.labelled if not d.leaf),
            "confirmed": sum(1 for d in corpus.labelled if d.leaf),
            "returned": len(corpus.negatives),
            "unlabelled": len(corpus.unlabelled),
            "weak_labelled": top.n_weak,
            "pseudo_labelled": top.n_pseudo,
            "features": top.space.n_columns,
        },
    )


def _folds(labels: np.ndarray, k: int, seed: int):
    """Stratified when every class has at least ``k`` rows, plain shuffled folds otherwise."""
    counts = np.bincount(labels)
    if counts[counts > 0].min() >= k:
        return StratifiedKFold(k, shuffle=True, random_state=seed).split(np.zeros(len(labels)), labels)
    return KFold(k, shuffle=True, random_state=seed).split(np.zeros(len(labels)))


def cross_validate(prep: Prepared, params: TrainParams | None = None, k: int = 5, seed: int = 0) -> dict:
    """k-fold CV over the labelled rows: each fold trains on the other folds, every unlabelled message
    (except copies of the fold's texts) and scores the fold. Returns metrics plus ``calibration``: the
    divisor of the logits that minimises the out-of-fold negative log-likelihood."""
    params = params or TrainParams()
    labelled = prep.rows("labelled")
    unlabelled = prep.rows("unlabelled")
    docs = prep.corpus.all_docs()
    labels = prep.weak_top[labelled]
    logits = np.zeros((len(labelled), len(prep.tree.tops)))
    for train_idx, test_idx in _folds(labels, k, seed):
        scored = {docs[labelled[i]].key for i in test_idx}
        pool = np.array([i for i in unlabelled if docs[i].key not in scored], dtype=np.int64)
        top = fit_top(prep, labelled[train_idx], pool, params)
        x = top.space.transform(counts_rows(prep.counts, labelled[test_idx]))
        decision = np.asarray(x @ np.ascontiguousarray(top.coef.T)) + top.intercept
        p = params.top
        logits[test_idx] = (
            p.temperature * decision
            + p.lexicon_weight * prep.lex_top[labelled[test_idx]]
            + p.prior_weight * top.log_prior
        )
    result = metrics_compute([prep.tree.tops[i] for i in labels], softmax(logits), prep.tree.tops)
    result["calibration"] = _calibration(logits, labels)
    result["folds"] = k
    return result


def _calibration(logits: np.ndarray, labels: np.ndarray) -> float:
    best, best_nll = 1.0, np.inf
    for divisor in np.exp(np.linspace(np.log(0.25), np.log(8.0), 41)):
        p = softmax(logits / divisor)[np.arange(len(labels)), labels]
        nll = -np.log(np.maximum(p, 1e-12)).mean()
        if nll < best_nll:
            best, best_nll = float(divisor), nll
    return round(best, 4)
