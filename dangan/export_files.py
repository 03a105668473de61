"""Writing export rows out as JSON Lines, CSV or Parquet, a batch at a time.

`write_rows` takes any iterable of rows (`storage.export_rows.export_rows`,
or the change feed) and the columns they carry, and writes them as they
come: JSON Lines and CSV a row at a time, Parquet a row group of
`PARQUET_ROW_GROUP` rows at a time, so memory does not grow with the archive.
Times are ISO 8601 with their UTC offset in JSON Lines and CSV, and
timestamps in UTC in Parquet; missing values are JSON null, empty CSV
fields, and Parquet nulls. A list column (the captures) is a JSON array in
JSON Lines, a JSON array in one CSV field, and a list of structs in Parquet.

A file is written under a temporary name beside it and renamed when it is
complete: a failed or interrupted export never leaves a file that looks whole.

Example:
    >>> import io
    >>> from datetime import timezone
    >>> from storage.export_rows import ExportColumn
    >>> columns = (ExportColumn("url", str), ExportColumn("first_seen", datetime))
    >>> row = {"url": "http://www.gov.cn/a.htm", "first_seen": datetime(2024, 5, 1, 8, tzinfo=timezone.utc)}
    >>> out = io.StringIO()
    >>> write_rows([row], columns, ExportFormat.csv, out)
    1
    >>> out.getvalue().splitlines()
    ['url,first_seen', 'http://www.gov.cn/a.htm,2024-05-01T08:00:00+00:00']
"""

from __future__ import annotations

import csv
import enum
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from core.errors import ExportOutputError

if TYPE_CHECKING:  # the command line imports this module; the store's modules load only when used
    from storage.export_rows import ExportColumn

#: Rows per Parquet row group: large enough to compress well, small enough to keep memory flat.
PARQUET_ROW_GROUP = 2000


class ExportFormat(str, enum.Enum):
    """The file formats `dangan export` writes."""

    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


def write_rows(rows: Iterable[dict], columns: Sequence[ExportColumn], fmt: ExportFormat, out: IO) -> int:
    """Write `rows` (dicts with `columns`' names) to the open stream `out`; return how many.

    `out` is a text stream for JSON Lines and CSV, a binary one for Parquet.
    """
    if fmt is ExportFormat.jsonl:
        return _write_jsonl(rows, columns, out)
    if fmt is ExportFormat.csv:
        return _write_csv(rows, columns, out)
    return _write_parquet(rows, columns, out)


def write_file(rows: Iterable[dict], columns: Sequence[ExportColumn], fmt: ExportFormat, path: Path) -> int:
    """Write `rows` to the file `path`, whole or not at all; return how many.

    Raises ExportOutputError when the folder is missing or not writable.
    """
    partial = path.with_name(path.name + ".partial")
    binary = fmt is ExportFormat.parquet
    try:
        stream = open(partial, "wb") if binary else open(partial, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise ExportOutputError(f"Cannot write {path}: {exc.strerror}. Choose another --output.") from exc
    try:
        with stream:
            count = write_rows(rows, columns, fmt, stream)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _text(value: object) -> object:
    """A value as JSON holds it: times in ISO 8601 with their offset, lists of entries likewise."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [{name: _text(item) for name, item in entry.items()} for entry in value]
    return value


def _write_jsonl(rows: Iterable[dict], columns: Sequence[ExportColumn], out: IO[str]) -> int:
    names = [column.name for column in columns]
    count = 0
    for row in rows:
        out.write(json.dumps({name: _text(row[name]) for name in names}, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_csv(rows: Iterable[dict], columns: Sequence[ExportColumn], out: IO[str]) -> int:
    names = [column.name for column in columns]
    # Texts hold newlines and commas: every field that needs it is quoted (RFC 4180).
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    count = 0
    for row in rows:
        writer.writerow([_csv_field(row[name]) for name in names])
        count += 1
    return count


def _csv_field(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list):  # a list of entries (the captures) is one field, as JSON
        return json.dumps(_text(value), ensure_ascii=False)
    return _text(value)


def _write_parquet(rows: Iterable[dict], columns: Sequence[ExportColumn], out: IO[bytes]) -> int:
    # pyarrow is imported here: it takes a good part of a second, and only Parquet needs it.
    import pyarrow as pa
    import pyarrow.parquet as pq

    kinds = {str: pa.string(), int: pa.int64(), datetime: pa.timestamp("us", tz="UTC")}

    def arrow_type(column: "ExportColumn"):
        if column.kind is list:
            return pa.list_(pa.struct([pa.field(field.name, arrow_type(field)) for field in column.fields]))
        return kinds[column.kind]

    schema = pa.schema([pa.field(column.name, arrow_type(column)) for column in columns])
    names = [column.name for column in columns]
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[dict] = []
        for row in rows:
            batch.append({name: row[name] for name in names})
            if len(batch) == PARQUET_ROW_GROUP:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            count += len(batch)
    return count

