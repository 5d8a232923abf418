"""Reading a student's CSV file into a Dataset, or refusing it with a message naming the line."""

from __future__ import annotations

import csv
import io
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import DataError
from bpdesk.core.files.dataset import SCALINGS, Dataset

__all__ = ["MAX_CLASSES", "MAX_FILE_BYTES", "column_labels", "csv_columns", "read_csv"]

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Files larger than this are refused: they would not fit a teaching app's memory."""
MAX_CLASSES = 100
"""The most distinct values a class column may hold."""

# Control characters never found in a text file (tab, line feed and carriage return are fine).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
_LOOKS_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _line_of(text: str | bytes, offset: int) -> int:
    """The 1-based line (as an editor counts: LF, CR LF or a lone CR end a line) at ``offset``."""
    head = text[:offset]
    if isinstance(head, bytes):
        return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def _read_text(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The file's text and its name for messages; refuses missing, huge, empty and binary files."""
    file = Path(path)
    shown = file.name or str(file)
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise DataError(f"'{shown}' is a folder, not a CSV file.")
        if size > MAX_FILE_BYTES:
            raise DataError(
                f"The file '{shown}' is {size / 1024**2:.0f} MB; bpdesk reads CSV files of up "
                f"to {MAX_FILE_BYTES // 1024**2} MB."
            )
        raw = file.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise DataError(f"The file '{shown}' cannot be read: {reason}.") from None
    if not raw.strip():
        raise DataError(f"The file '{shown}' is empty.")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise DataError(
            f"The file '{shown}' is not a text file (line {_line_of(raw, nul)} holds a NUL byte). "
            "Save it as CSV (UTF-8) and try again."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(
            f"The file '{shown}' is not UTF-8 text (line {_line_of(raw, error.start)} holds "
            "bytes that UTF-8 does not allow). Save it as CSV (UTF-8) and try again."
        ) from None
    bad = _NOT_TEXT.search(text)
    if bad:
        raise DataError(
            f"The file '{shown}' is not a text file (line {_line_of(text, bad.start())} holds "
            f"the control character {bad.group()!r}). Save it as CSV (UTF-8) and try again."
        )
    return text, shown


def _delimiter(text: str) -> str:
    """A comma, unless the first line has none but has semicolons or tabs."""
    first = next((line for line in io.StringIO(text, newline=None) if line.strip()), "")
    if "," not in first:
        for candidate in (";", "\t"):
            if candidate in first:
                return candidate
    return ","


@dataclass
class _Row:
    line: int
    fields: list[str]


def _rows(text: str, shown: str) -> tuple[_Row, list[_Row]]:
    """The header and the data rows, each with the line it starts on.

    Blank lines before the header and at the end are skipped; a blank line between data
    rows is refused, since it usually means the file was pasted together wrongly.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[_Row] = []
    blank_at: int | None = None
    start = 1
    try:
        for fields in reader:
            line, start = start, reader.line_num + 1
            if all(not f.strip() for f in fields):
                if rows and blank_at is None:
                    blank_at = line
                continue
            if blank_at is not None:
                raise DataError(
                    f"Line {blank_at} of '{shown}' is empty, but more rows follow on line {line}. "
                    "Remove the empty line."
                )
            rows.append(_Row(line, [f.strip() for f in fields]))
    except csv.Error as error:
        raise DataError(
            f"Line {start} of '{shown}' cannot be read as CSV ({error}); check its quote marks."
        ) from None
    if not rows:
        raise DataError(f"The file '{shown}' is empty.")
    header = rows[0]
    if all(_LOOKS_NUMERIC.fullmatch(f) for f in header.fields):
        raise DataError(
            f"Line {header.line} of '{shown}' holds numbers, but the first line must name the "
            "columns (a header row such as: x1,x2,y)."
        )
    return header, rows[1:]


def csv_columns(path: str | os.PathLike[str]) -> list[str]:
    """The column names in the header of a CSV file (for choosing inputs and targets)."""
    text, shown = _read_text(path)
    header, _ = _rows(text, shown)
    return list(header.fields)


def column_labels(names: Sequence[str]) -> list[str]:
    """The names to show for a header's columns: a name used by more than one column gets
    its place, counted from 1 as a spreadsheet counts ("x (column 2)")."""
    return [
        f"{name} (column {index + 1})" if name and names.count(name) > 1 else name
        for index, name in enumerate(names)
    ]


class _Columns:
    """Finds the columns a caller chose, by header name or by 0-based position."""

    def __init__(self, header: _Row, shown: str) -> None:
        self.header = header
        self.shown = shown
        self.chosen: dict[int, str] = {}
        self.labels = column_labels(header.fields)

    def label(self, index: int) -> str:
        name = self.labels[index]
        return f"'{name}'" if name else f"number {index} (unnamed)"

    def name(self, index: int) -> str:
        return self.labels[index] or f"column {index}"

    def find(self, column: object, role: str) -> int:
        names = self.header.fields
        where = f"the header of '{self.shown}' (line {self.header.line})"
        if isinstance(column, bool) or not isinstance(column, (str, int)):
            raise DataError(f"Choose a column by its name or its number, not {column!r}.")
        if isinstance(column, int):
            if not 0 <= column < len(names):
                raise DataError(
                    f"There is no column number {column}: {where} names {len(names)} "
                    f"columns, numbered 0 to {len(names) - 1}."
                )
            index = column
        else:
            matches = [i for i, name in enumerate(names) if name == column.strip()]
            if not matches:
                listed = ", ".join(n for n in names if n)
                raise DataError(f"There is no column '{column}' in {where}; it has: {listed}.")
            if len(matches) > 1:
                numbers = " and ".join(str(i) for i in matches)
                raise DataError(
                    f"The name '{column}' appears more than once in {where} (columns {numbers}); "
                    "choose the column by its number instead."
                )
            index = matches[0]
        if index in self.chosen:
            raise DataError(
                f"Column {self.label(index)} is chosen twice (as {self.chosen[index]} and as "
                f"{role}); each column can play one part."
            )
        self.chosen[index] = role
        return index


def _as_list(columns: object) -> list[object]:
    if isinstance(columns, (str, int)):
        return [columns]
    if isinstance(columns, Sequence):
        return list(columns)
    raise DataError(f"Choose columns as a list of names or numbers, not {columns!r}.")


def _number(text: str, row: _Row, column: str, shown: str) -> float:
    where = f"Line {row.line} of '{shown}', column {column}"
    if not text:
        raise DataError(f"{where}, is empty; every chosen column needs a number on every row.")
    try:
        value = float(text) if text.isascii() and "_" not in text else None
    except ValueError:
        value = None
    if value is None:
        hint = " (write decimals with a point, not a comma)" if "," in text else ""
        raise DataError(f"{where}, holds '{text}', which is not a number{hint}.")
    if not math.isfinite(value):
        if _LOOKS_NUMERIC.fullmatch(text):
            raise DataError(f"{where}, holds '{text}', which is too large a number.")
        raise DataError(f"{where}, holds '{text}'; NaN and infinity cannot be learnt from.")
    return value


def _values(count: int) -> str:
    return "1 value" if count == 1 else f"{count} values"


def _class_order(labels: set[str]) -> list[str]:
    """Class labels sorted: as numbers if they all are numbers, otherwise alphabetically."""

    def numeric(label: str) -> float | None:
        if not _LOOKS_NUMERIC.fullmatch(label):
            return None
        value = float(label)
        return value if math.isfinite(value) else None

    values = {label: numeric(label) for label in labels}
    if all(v is not None for v in values.values()):
        return sorted(labels, key=lambda label: (values[label], label))
    return sorted(labels)


def _check_choices(
    inputs: list[object], targets: list[object], class_column: object, scaling: str, name: object
) -> None:
    """Refuses a choice of columns, scaling or name that cannot make a data set."""
    if not inputs:
        raise DataError("Choose at least one input column.")
    if bool(targets) == (class_column is not None):
        raise DataError(
            "Choose either target columns (numbers to predict) or one class column "
            "(labels to predict), not both and not neither."
        )
    if scaling not in SCALINGS:
        raise DataError(f"Unknown scaling {scaling!r}; choose one of: {', '.join(SCALINGS)}.")
    if name is not None and not isinstance(name, str):
        raise DataError(f"The data set's name must be text, not {name!r}.")


@dataclass
class _Table:
    """The chosen columns of every data row: input and target numbers, class labels."""

    inputs: NDArray[np.float64]
    targets: NDArray[np.float64]
    labels: list[str]


def _read_table(
    rows: list[_Row],
    columns: _Columns,
    input_idx: list[int],
    target_idx: list[int],
    class_idx: int | None,
) -> _Table:
    """The numbers (and labels) in the chosen columns; DataError names the first bad line."""
    header, shown = columns.header, columns.shown
    width = len(header.fields)
    x = np.empty((len(rows), len(input_idx)))
    y = np.empty((len(rows), len(target_idx)))
    labels: list[str] = []
    for r, row in enumerate(rows):
        if len(row.fields) != width:
            raise DataError(
                f"Line {row.line} of '{shown}' has {_values(len(row.fields))}, but the header "
                f"(line {header.line}) names {width} columns."
            )
        for j, i in enumerate(input_idx):
            x[r, j] = _number(row.fields[i], row, columns.label(i), shown)
        for j, i in enumerate(target_idx):
            y[r, j] = _number(row.fields[i], row, columns.label(i), shown)
        if class_idx is not None:
            label = row.fields[class_idx]
            if not label:
                raise DataError(
                    f"Line {row.line} of '{shown}', class column {columns.label(class_idx)}, "
                    "is empty; every row needs a class."
                )
            labels.append(label)
    return _Table(x, y, labels)


def _one_hot(
    labels: list[str], rows: list[_Row], columns: _Columns, class_idx: int
) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """One-hot targets for the class labels, and the class names in their sorted order."""
    found = _class_order(set(labels))
    where = f"The class column {columns.label(class_idx)} of '{columns.shown}'"
    if len(found) < 2:
        raise DataError(
            f"{where} holds only one class ('{found[0]}', on every line from "
            f"{rows[0].line} to {rows[-1].line}); a network needs at least two classes "
            "to tell apart."
        )
    if len(found) > MAX_CLASSES:
        raise DataError(
            f"{where} holds {len(found)} different values; bpdesk tells apart at most "
            f"{MAX_CLASSES} classes. Choose it as a target column if it holds numbers."
        )
    position = {label: k for k, label in enumerate(found)}
    return np.eye(len(found))[[position[label] for label in labels]], tuple(found)


def _number_task(
    targets: NDArray[np.float64], names: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    """The task number targets make (and their class names when they are one-hot)."""
    zero_one = bool(np.isin(targets, (0.0, 1.0)).all())
    if zero_one and targets.shape[1] > 1 and bool((targets.sum(axis=1) == 1.0).all()):
        return "multiclass", names
    return ("binary" if zero_one else "regression"), ()


def read_csv(
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | int],
    targets: Sequence[str | int] = (),
    class_column: str | int | None = None,
    scaling: str = "none",
    name: str | None = None,
) -> Dataset:
    """A data set from a CSV file with a header row.

    Columns are chosen by header name or 0-based number. The targets are either number
    columns (``targets``) or one column of class labels (``class_column``, text or numbers),
    which becomes one-hot targets with the classes sorted. Any problem raises ``DataError``
    naming the line; nothing is returned half-read.
    """
    input_list = _as_list(inputs)
    target_list = _as_list(targets)
    _check_choices(input_list, target_list, class_column, scaling, name)

    text, shown = _read_text(path)
    header, rows = _rows(text, shown)
    columns = _Columns(header, shown)
    input_idx = [columns.find(c, "an input") for c in input_list]
    target_idx = [columns.find(c, "a target") for c in target_list]
    class_idx = None if class_column is None else columns.find(class_column, "the class column")
    if not rows:
        raise DataError(
            f"The file '{shown}' has a header (line {header.line}) but no rows of data."
        )
    table = _read_table(rows, columns, input_idx, target_idx, class_idx)
    if class_idx is not None:
        y, class_names = _one_hot(table.labels, rows, columns, class_idx)
        target_names, task = class_names, "multiclass"
    else:
        y = table.targets
        target_names = tuple(columns.name(i) for i in target_idx)
        task, class_names = _number_task(y, target_names)

    predicted = "the class" if class_idx is not None else ", ".join(target_names)
    dataset = Dataset(
        name=name or Path(path).stem or shown,
        inputs=table.inputs,
        targets=y,
        input_names=tuple(columns.name(i) for i in input_idx),
        target_names=target_names,
        task=task,
        source=f"Imported from {shown}",
        description=(
            f"{len(rows)} rows of '{shown}': {len(input_idx)} input column(s) "
            f"to predict {predicted}."
        ),
        class_names=class_names,
    )
    return dataset.scaled(scaling)
