"""Training documents: the shared message files and labelled CSVs, as plain ``Doc`` rows.

Database rows (the matter tree, confirmed and returned dispatches) are read by
``grievance.routing_model.selectors`` and turned into ``Doc`` / ``Tree`` there; this module only reads
files, so the model can be trained and scored without a database in pure-function tests.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

MESSAGES = "messages"
LABELLED_FILE = "labelled_dev.csv"
UNLABELLED_FILE = "unlabelled.csv"
REPLIES_FILE = "replies.csv"
LABELLED_COLUMNS = ("title", "text", "label")


@dataclass
class Doc:
    title: str
    text: str
    top: str | None = None  # label: a top class name
    leaf: str | None = None  # matter code of a confirmed / corrected / returned dispatch
    weight: float = 1.0
    extra: str = ""  # the government's reply: weak-label evidence only, never a feature
    positive: bool = True  # False for a returned dispatch (negative evidence for ``leaf``)
    ident: str = ""

    @property
    def key(self) -> str:
        """Same text, same key: a copy of a scored message is never trained on in its fold."""
        return f"{self.title.strip()}\n{self.text.strip()[:200]}"


@dataclass
class Corpus:
    labelled: list[Doc] = field(default_factory=list)
    unlabelled: list[Doc] = field(default_factory=list)
    negatives: list[Doc] = field(default_factory=list)

    def all_docs(self) -> list[Doc]:
        """Labelled, then unlabelled, then negatives (the row order ``train.Prepared`` relies on)."""
        cache = getattr(self, "_all", None)
        sizes = (len(self.labelled), len(self.unlabelled), len(self.negatives))
        if cache is None or cache[0] != sizes:
            cache = (sizes, [*self.labelled, *self.unlabelled, *self.negatives])
            self._all = cache
        return cache[1]

    def counts(self) -> dict:
        return {
            "labelled": len(self.labelled),
            "unlabelled": len(self.unlabelled),
            "returned": len(self.negatives),
        }


class CorpusFileError(ValueError):
    """A labelled file that is missing or lacks the ``title,text,label`` columns."""


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def labelled_read(path) -> list[Doc]:
    """Rows of a file in the format of ``labelled_dev.csv`` (``id,title,text,time,label``)."""
    path = Path(path)
    if not path.is_file():
        raise CorpusFileError(f"no such file: {path}")
    rows = _rows(path)
    if rows and not set(LABELLED_COLUMNS) <= set(rows[0]):
        raise CorpusFileError(f"{path}: columns {', '.join(LABELLED_COLUMNS)} are required")
    return [
        Doc(
            title=r["title"] or "",
            text=r["text"] or "",
            top=(r["label"] or "").strip() or None,
            ident=r.get("id", ""),
        )
        for r in rows
    ]


def shared_corpus(data_dir, *, labelled: bool = True, limit: int | None = None) -> Corpus:
    """The shared messages: labelled (unless ``labelled=False``), unlabelled and replied (weak labels).
    ``limit`` keeps the first rows of each file (tests)."""
    folder = Path(data_dir) / MESSAGES
    corpus = Corpus()
    if labelled and (folder / LABELLED_FILE).is_file():
        corpus.labelled = labelled_read(folder / LABELLED_FILE)[:limit]
    if (folder / UNLABELLED_FILE).is_file():
        corpus.unlabelled += [
            Doc(title=r["title"] or "", text=r["text"] or "", ident=r.get("id", ""))
            for r in _rows(folder / UNLABELLED_FILE)[:limit]
        ]
    if (folder / REPLIES_FILE).is_file():
        corpus.unlabelled += [
            Doc(
                title=r["title"] or "",
                text=r["text"] or "",
                extra=r.get("reply") or "",
                ident=r.get("id", ""),
            )
            for r in _rows(folder / REPLIES_FILE)[:limit]
        ]
    return corpus
