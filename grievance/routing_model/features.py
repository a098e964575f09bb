"""Text features of the routing model: jieba words (+ word bigrams) and character 2–3-grams, hashed.

Hashing (no vocabulary dictionary) keeps feature extraction fast enough to train on every message in
well under a minute; ``FeatureSpace`` then keeps only the hashed columns seen in at least ``min_df``
training documents, weights them by TF-IDF (sublinear tf) and L2-normalises each block. The remap
from hashed column to kept column is a plain int32 array, so one suggestion costs a few array lookups.

Invariant: ``Analyzed`` is all a feature needs from a text; ``FeatureSpace.transform`` of the same
``Analyzed`` is deterministic, and ``terms_for_columns`` names the kept columns a given text hit (for
the "why" of a suggestion).
"""

import re
import threading
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32

N_FEATURES = 2**20
# Anonymised place codes of the source data ("A市", "K8县", "A3区") and spreadsheet carriage returns carry
# no topic; they are dropped before segmentation so they never become features.
_ANON_RE = re.compile(r"(?<![A-Za-z])[A-Z]\d{0,2}(?:市|区|县)")
_NOISE_RE = re.compile(r"(?:_x000D_|&nbsp;|\s)+")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_NON_CJK_RE = re.compile(r"[^\u3400-\u9fff]+")
_WORD_RE = re.compile(r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z0-9]*$")
MAX_TEXT_CHARS = 2000

_jieba_lock = threading.Lock()
_jieba = None


def _segmenter():
    """jieba, initialised once per process (loading its dictionary takes about half a second)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(60)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def text_clean(text: str) -> str:
    return _NOISE_RE.sub(" ", _ANON_RE.sub(" ", text or "")).strip()


@dataclass(frozen=True)
class Analyzed:
    """A message cut into what the features use: words (jieba) and the CJK-only character string."""

    title: str
    text: str
    words: tuple[str, ...]
    chars: str


def analyze(title: str, text: str) -> Analyzed:
    """The title counts twice (it is the citizen's own summary); long texts are cut at 2,000 characters."""
    title, text = text_clean(title), text_clean(text)[:MAX_TEXT_CHARS]
    jieba = _segmenter()
    words = tuple(
        w for w in jieba.lcut(f"{title}。{text}") if len(w) > 1 or _CJK_RE.match(w) if _WORD_RE.match(w)
    )
    chars = _NON_CJK_RE.sub("", f"{title}{title}{text}")
    return Analyzed(title=title, text=text, words=words, chars=chars)


def word_terms(doc: Analyzed) -> list[str]:
    words = [w for w in doc.words if len(w) > 1]
    return [*doc.words, *(f"{a}_{b}" for a, b in pairwise(words))]


def char_terms(doc: Analyzed) -> list[str]:
    s = doc.chars
    return [s[i : i + 2] for i in range(len(s) - 1)] + [s[i : i + 3] for i in range(len(s) - 2)]


_HASHERS = (
    HashingVectorizer(analyzer=word_terms, n_features=N_FEATURES, alternate_sign=False, norm=None),
    HashingVectorizer(analyzer=char_terms, n_features=N_FEATURES, alternate_sign=False, norm=None),
)


def hashed_counts(docs: list[Analyzed]) -> list[sp.csr_matrix]:
    """Raw term counts per block (words, chars), hashed into ``N_FEATURES`` columns each."""
    return [hasher.transform(docs).tocsr() for hasher in _HASHERS]


@dataclass
class _Block:
    remap: np.ndarray  # hashed column → kept column, -1 when dropped
    idf: np.ndarray  # float32, one per kept column
    offset: int


class FeatureSpace:
    """TF-IDF over the hashed columns that at least ``min_df`` training documents contain."""

    def __init__(self, min_df: int = 2):
        self.min_df = min_df
        self.blocks: list[_Block] = []
        self.n_columns = 0

    def fit(self, counts: list[sp.csr_matrix]) -> "FeatureSpace":
        self.blocks, offset = [], 0
        for matrix in counts:
            n_docs = matrix.shape[0]
            df = np.bincount(matrix.indices, minlength=N_FEATURES)
            kept = np.flatnonzero(df >= self.min_df)
            remap = np.full(N_FEATURES, -1, dtype=np.int32)
            remap[kept] = np.arange(len(kept), dtype=np.int32)
            idf = (np.log((1.0 + n_docs) / (1.0 + df[kept])) + 1.0).astype(np.float32)
            self.blocks.append(_Block(remap=remap, idf=idf, offset=offset))
            offset += len(kept)
        self.n_columns = offset
        return self

    def transform(self, counts: list[sp.csr_matrix]) -> sp.csr_matrix:
        """Rows L2-normalised per block, each block scaled by 1/√2 so a whole row has norm ≤ 1."""
        n_docs = counts[0].shape[0]
        if n_docs == 0:
            return sp.csr_matrix((0, self.n_columns), dtype=np.float32)
        parts = []
        scale = 1.0 / np.sqrt(len(self.blocks))
        for block, matrix in zip(self.blocks, counts, strict=True):
            rows = np.repeat(np.arange(n_docs), np.diff(matrix.indptr))
            cols = block.remap[matrix.indices]
            keep = cols >= 0
            rows, cols = rows[keep], cols[keep]
            data = (1.0 + np.log(matrix.data[keep].astype(np.float32))) * block.idf[cols]
            norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n_docs)).astype(np.float32)
            data = data * (scale / np.maximum(norms[rows], 1e-12))
            parts.append(
                sp.csr_matrix((data, (rows, cols)), shape=(n_docs, len(block.idf)), dtype=np.float32)
            )
        return sp.hstack(parts, format="csr", dtype=np.float32)

    def terms(self, doc: Analyzed) -> dict[int, str]:
        """Kept column → a readable term of ``doc`` in it: its words, word pairs, and the character
        n-grams inside its words (an n-gram across a word boundary explains nothing to a reader)."""
        words = [w for w in dict.fromkeys(doc.words) if len(w) > 1]
        inside = [w[i : i + n] for w in words for n in (2, 3) for i in range(len(w) - n + 1)]
        named: dict[int, str] = {}
        for block, candidates in zip(self.blocks, (word_terms(doc), inside), strict=True):
            for term in dict.fromkeys(candidates):
                kept = block.remap[_hash_one(term)]
                if kept >= 0:
                    named.setdefault(int(kept) + block.offset, term)
        return named


def _hash_one(term: str) -> int:
    """The column ``HashingVectorizer`` puts ``term`` in (murmurhash3 of its UTF-8, seed 0)."""
    return abs(murmurhash3_32(term, seed=0)) % N_FEATURES


def counts_stack(parts: list[list[sp.csr_matrix]]) -> list[sp.csr_matrix]:
    """Stack per-block count matrices of several document groups (same block order)."""
    return [sp.vstack([p[i] for p in parts], format="csr") for i in range(len(parts[0]))]


def counts_rows(counts: list[sp.csr_matrix], rows) -> list[sp.csr_matrix]:
    return [matrix[rows] for matrix in counts]
