"""Reading a session file's JSON values: each checked, and named by its path when it is wrong.

Long lists of numbers (parameters, samples, histories, the optimiser's memory) are checked
and converted as whole NumPy arrays; only a list that fails is read again value by value,
to name the first value that is wrong.
"""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.config import Setting
from bpdesk.core.errors import SessionError

__all__ = ["Field", "TooManyDigits", "kind_of", "whole_number"]

Array = NDArray[np.float64]

_NUMBER_TYPES = frozenset({builtins.int, builtins.float})
MAX_ROW_LENGTH = 100_000


class TooManyDigits(str):
    """A whole number in the file too long to be any value bpdesk saves."""


def whole_number(digits: str) -> int | TooManyDigits:
    """How the JSON parser reads a whole number: as an int, unless it is absurdly long."""
    return int(digits) if len(digits) <= 40 else TooManyDigits(digits)


def kind_of(value: Any) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, TooManyDigits):
        return f"a number with {len(value)} digits"
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "null",
    }.get(type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def _all_numbers(values: list[Any]) -> bool:
    """Whether every value is a JSON number (an int or a float; true/false are not)."""
    return set(map(type, values)) <= _NUMBER_TYPES


class Field:
    """Reads one JSON value and names its path in every error."""

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, reason: str) -> SessionError:
        return SessionError(f"In the session file, {self.path or 'the top level'}: {reason}.")

    def __getitem__(self, key: str) -> Field:
        obj = self.dict()
        path = f"{self.path}.{key}" if self.path else key
        if key not in obj:
            raise SessionError(f"In the session file, {path} is missing.")
        return Field(obj[key], path)

    def get(self, key: str) -> Field | None:
        obj = self.dict()
        if key not in obj or obj[key] is None:
            return None
        return self[key]

    def dict(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected an object, got {kind_of(self.value)}")
        return self.value

    def list(self, max_len: int = 10_000_000) -> list[Field]:
        return [Field(v, f"{self.path}[{i}]") for i, v in enumerate(self.raw_list(max_len))]

    def raw_list(self, max_len: builtins.int = 10_000_000) -> builtins.list[Any]:
        """The list itself, its length checked (its values not looked at)."""
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {kind_of(self.value)}")
        if len(self.value) > max_len:
            raise self.fail(f"has {len(self.value)} entries, more than the {max_len} allowed")
        return self.value

    def str(self, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(self.value, str) or isinstance(self.value, TooManyDigits):
            raise self.fail(f"expected text, got {kind_of(self.value)}")
        if choices is not None and self.value not in choices:
            raise self.fail(f"'{self.value}' is not one of {', '.join(choices)}")
        return self.value

    def bool(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, got {kind_of(self.value)}")
        return self.value

    def int(self, low: int = 0, high: int = 2**63) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {kind_of(self.value)}")
        if not low <= self.value <= high:
            raise self.fail(f"{self.value} is outside {low}…{high}")
        return self.value

    def float(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise self.fail(f"expected a number, got {kind_of(self.value)}")
        value = float(self.value)
        if not math.isfinite(value):
            raise self.fail("is not a finite number")
        return value

    def floats(self, max_len: builtins.int = 10_000_000) -> Array:
        """A list of finite numbers as one array; the first wrong one named."""
        values = self.raw_list(max_len)
        if _all_numbers(values):
            array = np.array(values, dtype=np.float64)
            if array.shape == (len(values),) and np.isfinite(array).all():
                return array
        return np.array([item.float() for item in self.list(max_len)], dtype=np.float64)

    def ints(
        self, low: builtins.int, high: builtins.int, max_len: builtins.int
    ) -> NDArray[np.int64]:
        """A list of whole numbers in low…high as one array; the first wrong one named."""
        values = self.raw_list(max_len)
        if set(map(type, values)) <= {builtins.int}:
            try:
                array = np.array(values, dtype=np.int64)
            except OverflowError:
                array = None
            if array is not None and (array.size == 0 or low <= array.min() <= array.max() <= high):
                return array
        return np.array([item.int(low, high) for item in self.list(max_len)], dtype=np.int64)

    def setting(self, setting: Setting) -> builtins.float:
        """A number the core's rule for ``setting`` allows (a whole one if it must be)."""
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise self.fail(f"expected a number, got {kind_of(self.value)}")
        if setting.integer and not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {self.value!r}")
        reason = setting.check(self.value)
        if reason is not None:
            raise self.fail(reason[:1].lower() + reason[1:].rstrip("."))
        return builtins.float(self.value)

    def matrix(self, max_rows: builtins.int) -> Array:
        """A table of finite numbers, rows of one length, at most ``max_rows`` of them."""
        rows = self.raw_list(max_rows)
        try:
            array = np.array(rows, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            array = None
        if array is None or array.ndim != 2 or not 0 < array.shape[1] <= MAX_ROW_LENGTH:
            # Not one rectangular table: look row by row to say which row is wrong.
            self._check_rows()
            try:
                array = np.array(rows, dtype=np.float64)
            except (TypeError, ValueError, OverflowError):
                raise self.fail("holds something that is not a number") from None
        if array.shape[0] == 0:
            raise self.fail("is empty")
        if not np.isfinite(array).all():
            raise self.fail("holds a value that is not a finite number")
        return array

    def _check_rows(self) -> None:
        """Every row a list as long as the first (and not empty)."""
        rows = self.list()
        if not rows:
            raise self.fail("is empty")
        width = None
        for row in rows:
            cells = row.list(MAX_ROW_LENGTH)
            if width is None:
                width = len(cells)
            if len(cells) != width or width == 0:
                raise row.fail(f"has {len(cells)} values where the first row has {width}")
