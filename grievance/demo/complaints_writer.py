"""Writing generated complaint histories: batch by batch in transactions, or as a bulk load.

A batch is a list of ``(model, columns, rows)`` for the complaint, assignment and event tables
(complaints first), produced on demand by a thunk so that ids are reserved before it is built.
Rows carry explicit ids; the id sequences are moved above them after each batch.

The bulk load (PostgreSQL, for a database nobody else uses at the time, such as a benchmark's) drops
the secondary indexes of the three tables, lets a second connection COPY each batch while the next one
is built, and builds the indexes again from their captured definitions (``pg_get_indexdef`` /
``pg_get_constraintdef``). If the process is killed mid-load, the indexes stay dropped.
"""

import queue
import threading
from collections.abc import Callable, Iterable

from django.db import connection, transaction
from django.db.models import Model

from grievance.models import Assignment, Complaint, ComplaintEvent
from grievance.services.rollups import copy_text, rows_copy, text_copy

Tables = list[tuple[type[Model], tuple[str, ...], list[tuple]]]
Batches = Iterable[Callable[[], Tables]]
Progress = Callable[[int], None] | None

LOAD_LOCK = 460310  # advisory lock: one generator at a time owns the id ranges
TABLES = (Complaint, Assignment, ComplaintEvent)


def tables_load(batches: Batches, *, reserve: Callable[[], None], progress: Progress = None) -> int:
    """Each batch in its own transaction, under the advisory lock (PostgreSQL): reserve ids, build,
    write. Returns the number of complaints written."""
    made = 0
    for build in batches:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOAD_LOCK])
            reserve()
            tables = build()
            for model, columns, rows in tables:
                rows_copy(model=model, columns=columns, rows=rows)
            _sequences_advance()
        made += len(tables[0][2])
        if progress is not None:
            progress(made)
    return made


def tables_bulk_load(batches: Batches, *, reserve: Callable[[], None], progress: Progress = None) -> int:
    """The bulk load: this thread builds batch n + 1 (rows and COPY text) while a writer thread COPYs
    batch n in its own connection and transaction; the secondary indexes are rebuilt at the end."""
    if connection.in_atomic_block:
        raise RuntimeError("a bulk load commits batch by batch: call it outside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOAD_LOCK])  # held for the whole load
    try:
        reserve()  # once: this connection owns the id ranges until it unlocks
        dropped = _indexes_drop()
        try:
            made = _batches_write(batches, progress=progress)
        finally:
            _indexes_create(dropped)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOAD_LOCK])
    return made


def _batches_write(batches: Batches, *, progress: Progress) -> int:
    todo: queue.Queue = queue.Queue(maxsize=1)
    done = {"made": 0, "error": None}

    def writer() -> None:
        try:
            while (item := todo.get()) is not None:
                n, texts = item
                with transaction.atomic():
                    for model, columns, text in texts:
                        text_copy(model=model, columns=columns, text=text)
                    _sequences_advance()
                done["made"] += n
                if progress is not None:
                    progress(done["made"])
        except BaseException as exc:  # handed to the building thread, which stops
            done["error"] = exc
            while todo.get() is not None:  # unblock the builder until it sends the end
                pass
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=writer, name="complaints-copy", daemon=True)
    thread.start()
    try:
        for build in batches:
            if done["error"] is not None:
                break
            tables = build()
            n = len(tables[0][2])
            texts = [(model, columns, copy_text(rows)) for model, columns, rows in tables]
            del tables
            todo.put((n, texts))
    finally:
        todo.put(None)
        thread.join()
    if done["error"] is not None:
        raise done["error"]
    return done["made"]


def _indexes_drop() -> list[tuple[str, str, str]]:
    """Drop every index of the three tables but the primary keys (unique ones through their
    constraint); returns (table, name, statement that creates it again), in creation order."""
    qn = connection.ops.quote_name
    tables = [m._meta.db_table for m in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.relname, i.relname, pg_get_indexdef(x.indexrelid), c.conname,
                   pg_get_constraintdef(c.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema()
            LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid
                                     AND c.contype IN ('u', 'x')
            WHERE t.relname = ANY(%s) AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f'
                              AND f.conindid = x.indexrelid)
            ORDER BY t.relname, i.relname
            """,
            [tables],
        )
        found = cursor.fetchall()
        dropped = []
        for table, index, index_def, constraint, constraint_def in found:
            if constraint:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(constraint)}")
                again = f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(constraint)} {constraint_def}"
            else:
                cursor.execute(f"DROP INDEX {qn(index)}")
                again = index_def
            dropped.append((table, index, again))
    return dropped


def _indexes_create(dropped: list[tuple[str, str, str]]) -> None:
    """Build the dropped indexes again (more sort memory for this connection only)."""
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        try:
            for _table, _index, statement in dropped:
                cursor.execute(statement)
        finally:
            cursor.execute("RESET maintenance_work_mem")


def _sequences_advance() -> None:
    """After rows with explicit ids: the id sequences continue above them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in TABLES:
            table = model._meta.db_table
            highest = f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}"
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}))", [table])
