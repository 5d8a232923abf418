"""Reading a student's CSV file into a Dataset, or refusing it with a message naming the line.

The work goes a step at a time (``CsvScan``: the columns and a preview; ``CsvRead``: the data
set), so a window can show progress and stop it; ``csv_columns`` and ``read_csv`` take every
step at once.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.errors import DataError
from bpdesk.core.files.csv_text import (
    FIELDS,
    LINE,
    MAX_FILE_BYTES,
    PREVIEW_ROWS,
    CsvPreview,
    CsvScan,
    Steps,
    run_steps,
)
from bpdesk.core.files.csv_text import LOOKS_NUMERIC as _LOOKS_NUMERIC
from bpdesk.core.files.csv_text import Row as _Row
from bpdesk.core.files.dataset import SCALINGS, Dataset
from bpdesk.core.files.session import MAX_SAMPLES

__all__ = [
    "MAX_CLASSES",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "PREVIEW_ROWS",
    "CsvPreview",
    "CsvRead",
    "CsvScan",
    "RowChoice",
    "column_labels",
    "csv_columns",
    "read_csv",
    "run_steps",
]

MAX_CLASSES = 100
"""The most distinct values a class column may hold."""
MAX_ROWS = MAX_SAMPLES
"""The most data rows one import takes: the most samples a saved session holds."""


def csv_columns(path: str | os.PathLike[str]) -> list[str]:
    """The column names in the header of a CSV file (for choosing inputs and targets)."""
    scan = CsvScan(path)
    run_steps(scan)
    return list(scan.result().columns)


def column_labels(names: Sequence[str]) -> list[str]:
    """The names to show for a header's columns: a name used by more than one column gets
    its place, counted from 1 as a spreadsheet counts ("x (column 2)")."""
    uses = Counter(names)
    return [
        f"{name} (column {index + 1})" if name and uses[name] > 1 else name
        for index, name in enumerate(names)
    ]


class _Columns:
    """Finds the columns a caller chose, by header name or by 0-based position."""

    def __init__(self, header: _Row, shown: str) -> None:
        self.header = header
        self.shown = shown
        self.chosen: dict[int, str] = {}
        self.labels = column_labels(header[FIELDS])
        self._by_name: dict[str, list[int]] | None = None

    def label(self, index: int) -> str:
        name = self.labels[index]
        return f"'{name}'" if name else f"number {index} (unnamed)"

    def name(self, index: int) -> str:
        return self.labels[index] or f"column {index}"

    def _places(self) -> dict[str, list[int]]:
        """Each header name's column numbers (looked up once, for any number of columns)."""
        if self._by_name is None:
            self._by_name = {}
            for index, name in enumerate(self.header[FIELDS]):
                self._by_name.setdefault(name, []).append(index)
        return self._by_name

    def find(self, column: object, role: str) -> int:
        names = self.header[FIELDS]
        where = f"the header of '{self.shown}' (line {self.header[LINE]})"
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
            matches = self._places().get(column.strip(), [])
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
    where = f"Line {row[LINE]} of '{shown}', column {column}"
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
    width = len(header[FIELDS])
    x = np.empty((len(rows), len(input_idx)))
    y = np.empty((len(rows), len(target_idx)))
    labels: list[str] = []
    for r, row in enumerate(rows):
        if len(row[FIELDS]) != width:
            raise DataError(
                f"Line {row[LINE]} of '{shown}' has {_values(len(row[FIELDS]))}, but the header "
                f"(line {header[LINE]}) names {width} columns."
            )
        for j, i in enumerate(input_idx):
            x[r, j] = _number(row[FIELDS][i], row, columns.label(i), shown)
        for j, i in enumerate(target_idx):
            y[r, j] = _number(row[FIELDS][i], row, columns.label(i), shown)
        if class_idx is not None:
            label = row[FIELDS][class_idx]
            if not label:
                raise DataError(
                    f"Line {row[LINE]} of '{shown}', class column {columns.label(class_idx)}, "
                    "is empty; every row needs a class."
                )
            labels.append(label)
    return _Table(x, y, labels)


def _one_hot(
    labels: list[str], lines: tuple[int, int], columns: _Columns, class_idx: int
) -> tuple[NDArray[np.float64], tuple[str, ...]]:
    """One-hot targets for the class labels (read from ``lines``, first and last), and the
    class names in their sorted order."""
    found = _class_order(set(labels))
    where = f"The class column {columns.label(class_idx)} of '{columns.shown}'"
    if len(found) < 2:
        raise DataError(
            f"{where} holds only one class ('{found[0]}', on every line from "
            f"{lines[0]} to {lines[1]}); a network needs at least two classes "
            "to tell apart."
        )
    if len(found) > MAX_CLASSES:
        raise DataError(
            f"{where} holds {len(found)} different values; bpdesk tells apart at most "
            f"{MAX_CLASSES} classes. Choose it as a target column if it holds numbers."
        )
    position = {label: k for k, label in enumerate(found)}
    return np.eye(len(found))[[position[label] for label in labels]], tuple(found)


def _fast_table(
    rows: list[_Row], width: int, number_idx: list[int], class_idx: int | None
) -> tuple[NDArray[np.float64], list[str]] | None:
    """The rows' numbers (one column per chosen number column) and class labels, read at
    full speed; None when some cell needs ``_read_table``'s closer look."""
    if any(len(row[FIELDS]) != width for row in rows):
        return None
    cells = [row[FIELDS][i] for row in rows for i in number_idx]
    joined = "".join(cells)
    if not joined.isascii() or "_" in joined:
        return None
    try:
        values = np.array([float(cell) for cell in cells], dtype=np.float64)
    except ValueError:
        return None
    if not np.isfinite(values).all():
        return None
    labels = [] if class_idx is None else [row[FIELDS][class_idx] for row in rows]
    if not all(labels):
        return None
    return values.reshape(len(rows), len(number_idx)), labels


def _number_task(
    targets: NDArray[np.float64], names: tuple[str, ...]
) -> tuple[str, tuple[str, ...]]:
    """The task number targets make (and their class names when they are one-hot)."""
    zero_one = bool(np.isin(targets, (0.0, 1.0)).all())
    if zero_one and targets.shape[1] > 1 and bool((targets.sum(axis=1) == 1.0).all()):
        return "multiclass", names
    return ("binary" if zero_one else "regression"), ()


@dataclass(frozen=True)
class RowChoice:
    """Which data rows to import: every one (``count`` None; refused over ``MAX_ROWS``), the
    first ``count``, or ``count`` spread evenly over a file of ``total`` rows."""

    count: int | None = None
    total: int | None = None

    def kept(self, first: int, rows: int) -> list[int]:
        """Which of ``rows`` rows, the first being data row ``first`` (from 0), to keep."""
        count, total = self.count, self.total
        if count is None or total is None or total <= count:
            return list(range(rows))
        return [
            k
            for k in range(rows)
            if (first + k + 1) * count // total > (first + k) * count // total
        ]


class CsvRead(Steps):
    """Reads the chosen columns of a CSV file into a ``Dataset``, a step at a time (see
    ``read_csv``, which takes every step at once); nothing is made of a half-read file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        inputs: Sequence[str | int],
        targets: Sequence[str | int] = (),
        class_column: str | int | None = None,
        scaling: str = "none",
        name: str | None = None,
        rows: RowChoice = RowChoice(),
    ) -> None:
        self._inputs, self._targets = _as_list(inputs), _as_list(targets)
        _check_choices(self._inputs, self._targets, class_column, scaling, name)
        super().__init__(path)
        self._class, self._scaling, self._name, self._choice = class_column, scaling, name, rows
        self._seen = 0  # data rows read so far
        self._lines: list[int] = []  # first and last line kept
        self._numbers: list[NDArray[np.float64]] = []
        self._labels: list[str] = []
        self._result: Dataset | None = None

    def _begin(self, header: _Row) -> None:
        columns = self._columns = _Columns(header, self.shown)
        self._input_idx = [columns.find(c, "an input") for c in self._inputs]
        self._target_idx = [columns.find(c, "a target") for c in self._targets]
        self._class_idx = (
            None if self._class is None else columns.find(self._class, "the class column")
        )

    def _take(self, rows: list[_Row]) -> None:
        kept = [rows[k] for k in self._choice.kept(self._seen, len(rows))]
        self._seen += len(rows)
        if self._choice.count is not None:
            kept = kept[: self._choice.count - self.taken]
        elif self._seen > MAX_ROWS:
            raise DataError(
                f"The file '{self.shown}' has more than {MAX_ROWS:,} rows of data; bpdesk "
                f"takes at most {MAX_ROWS:,} (the most a saved lesson holds). Import the "
                "first rows only, or make the file shorter."
            )
        if not kept:
            return
        number_idx = self._input_idx + self._target_idx
        width = len(self._columns.header[FIELDS])
        fast = _fast_table(kept, width, number_idx, self._class_idx)
        if fast is None:
            table = _read_table(
                kept, self._columns, self._input_idx, self._target_idx, self._class_idx
            )
            fast = np.hstack([table.inputs, table.targets]), table.labels
        self._numbers.append(fast[0])
        self._labels.extend(fast[1])
        self._lines = [self._lines[0] if self._lines else kept[0][LINE], kept[-1][LINE]]

    @property
    def taken(self) -> int:
        """How many data rows are kept so far."""
        return sum(len(block) for block in self._numbers)

    def _enough(self) -> bool:
        count = self._choice.count
        return count is not None and self.taken >= count

    def result(self) -> Dataset:
        """The data set (once ``done``)."""
        assert self._result is not None
        return self._result

    def _end(self) -> None:
        columns, shown = self._columns, self.shown
        if not self._numbers:
            raise DataError(
                f"The file '{shown}' has a header (line {columns.header[LINE]}) but no rows "
                "of data."
            )
        numbers = np.vstack(self._numbers)
        self._numbers = []
        n_in = len(self._input_idx)
        class_idx = self._class_idx
        if class_idx is not None:
            lines = (self._lines[0], self._lines[-1])
            y, class_names = _one_hot(self._labels, lines, columns, class_idx)
            target_names, task = class_names, "multiclass"
        else:
            y = np.ascontiguousarray(numbers[:, n_in:])
            target_names = tuple(columns.name(i) for i in self._target_idx)
            task, class_names = _number_task(y, target_names)
        predicted = "the class" if class_idx is not None else ", ".join(target_names)
        dataset = Dataset(
            name=self._name or Path(self.path).stem or shown,
            inputs=np.ascontiguousarray(numbers[:, :n_in]),
            targets=y,
            input_names=tuple(columns.name(i) for i in self._input_idx),
            target_names=target_names,
            task=task,
            source=f"Imported from {shown}",
            description=(
                f"{self._which(len(numbers))} of '{shown}': {n_in} input column(s) "
                f"to predict {predicted}."
            ),
            class_names=class_names,
        )
        self._result = dataset.scaled(self._scaling)

    def _which(self, taken: int) -> str:
        """Which rows the data set holds, in words."""
        count, total = self._choice.count, self._choice.total
        if count is not None and total is not None and total > count:
            return f"{taken:,} rows spread evenly over the {self._seen:,}"
        whole = self._rows is not None and self._rows.done and self._seen <= taken
        if count is not None and not whole:
            return f"the first {taken:,} rows"
        return f"{taken} rows"


def read_csv(
    path: str | os.PathLike[str],
    *,
    inputs: Sequence[str | int],
    targets: Sequence[str | int] = (),
    class_column: str | int | None = None,
    scaling: str = "none",
    name: str | None = None,
    rows: RowChoice = RowChoice(),
) -> Dataset:
    """A data set from a CSV file with a header row.

    Columns are chosen by header name or 0-based number. The targets are either number
    columns (``targets``) or one column of class labels (``class_column``, text or numbers),
    which becomes one-hot targets with the classes sorted. ``rows`` says which data rows to
    take (every one by default: a file of more than ``MAX_ROWS`` is refused). Any problem
    raises ``DataError`` naming the line; nothing is returned half-read.
    """
    job = CsvRead(
        path,
        inputs=inputs,
        targets=targets,
        class_column=class_column,
        scaling=scaling,
        name=name,
        rows=rows,
    )
    run_steps(job)
    return job.result()
