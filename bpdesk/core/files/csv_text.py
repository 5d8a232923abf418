"""A CSV file's text and rows, read a piece at a time (so a caller can show progress and stop).

``TextReader`` reads and checks the bytes block by block; ``RowReader`` cuts the text into
rows, a few thousand characters at a time. Every refusal is a ``DataError`` naming the line.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from bpdesk.core.errors import DataError

__all__ = [
    "FIELDS",
    "LINE",
    "LOOKS_NUMERIC",
    "MAX_FILE_BYTES",
    "PREVIEW_ROWS",
    "CsvPreview",
    "CsvScan",
    "Row",
    "RowReader",
    "Steps",
    "TextReader",
    "run_steps",
]

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Files larger than this are refused: they would not fit a teaching app's memory."""
PREVIEW_ROWS = 20
"""How many data rows a scan keeps to show."""
_SAMPLE = 1 << 16  # characters looked at to judge the length of a line
_READ_SHARE = 0.1  # the share of the progress bar reading the bytes takes (parsing is slower)

# Control characters never found in a text file (tab, line feed and carriage return are fine).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]")
LOOKS_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", re.ASCII)
# One line with its ending, as Python's universal newlines cut it (LF, CR LF or a lone CR).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _line_of(text: str | bytes, offset: int) -> int:
    """The 1-based line (as an editor counts: LF, CR LF or a lone CR end a line) at ``offset``."""
    head = text[:offset]
    if isinstance(head, bytes):
        return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    return head.count("\n") + head.count("\r") - head.count("\r\n") + 1


def _shown(path: str | os.PathLike[str]) -> str:
    file = Path(path)
    return file.name or str(file)


def _cannot_read(shown: str, error: OSError) -> DataError:
    reason = error.strerror or str(error)
    return DataError(f"The file '{shown}' cannot be read: {reason}.")


def _open(path: str | os.PathLike[str], shown: str, max_bytes: int) -> tuple[BinaryIO, int]:
    """The file opened for reading, and its size; refuses missing, folder and huge files."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if file.is_dir():
            raise DataError(f"'{shown}' is a folder, not a CSV file.")
        if size > max_bytes:
            raise DataError(
                f"The file '{shown}' is {size / 1024**2:.0f} MB; bpdesk reads CSV files of up "
                f"to {max_bytes // 1024**2} MB."
            )
        return file.open("rb"), size
    except OSError as error:
        raise _cannot_read(shown, error) from None


def _check_text(raw: bytes, shown: str) -> str:
    """The text of the whole file's bytes, or the refusal naming the first bad line."""
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
    return text


class TextReader:
    """Reads a file's bytes ``step`` by ``step`` and checks they are UTF-8 text (a BOM is
    dropped); refuses missing, empty and binary files and files over ``max_bytes``."""

    def __init__(self, path: str | os.PathLike[str], max_bytes: int) -> None:
        self.path = path
        self.shown = _shown(path)
        self._file, self.size = _open(path, self.shown, max_bytes)
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._pieces: list[str] = []
        self._blank = True
        self.position = 0  # bytes read so far
        self.done = False
        self.text = ""

    def close(self) -> None:
        """Let go of the file (reading it again needs a new reader)."""
        self._file.close()

    def step(self, count: int) -> int:
        """Read and check about ``count`` bytes more; the number read (0 once done)."""
        if self.done:
            return 0
        try:
            block = self._file.read(max(1, count))
        except OSError as error:
            self.close()
            raise _cannot_read(self.shown, error) from None
        try:
            piece = self._decoder.decode(block, final=not block)
        except UnicodeDecodeError:
            piece = "\x00"  # refused below, by the whole file's check
        if b"\x00" in block or _NOT_TEXT.search(piece):
            self._refuse()
        self._blank = self._blank and not block.strip()
        self._pieces.append(piece)
        self.position += len(block)
        if not block:
            self.close()
            if self._blank:
                raise DataError(f"The file '{self.shown}' is empty.")
            self.done = True
            self.text = "".join(self._pieces)
            self._pieces = []
        return len(block)

    def _refuse(self) -> None:
        """Something is wrong in this block: the whole file's check says what, and where."""
        self.close()
        try:
            raw = Path(self.path).read_bytes()
        except OSError as error:
            raise _cannot_read(self.shown, error) from None
        _check_text(raw, self.shown)
        raise DataError(f"The file '{self.shown}' changed while it was read; try again.")


Row = tuple[int, tuple[str, ...]]
"""One row of a CSV file: the line it starts on (``row[LINE]``) and its fields, stripped of
spaces (``row[FIELDS]``). A plain tuple of text, which the garbage collector soon stops
tracking: reading a million rows then triggers no long full collections, which would hold
every thread up (a named tuple, a subclass, would stay tracked)."""
LINE: Final = 0
FIELDS: Final = 1


def _delimiter(text: str) -> str:
    """A comma, unless the first line has none but has semicolons or tabs."""
    first = next((m.group() for m in _LINE.finditer(text) if m.group().strip()), "")
    if "," not in first:
        for candidate in (";", "\t"):
            if candidate in first:
                return candidate
    return ","


class RowReader:
    """The header and then the data rows of a CSV text, a few at a time, each with its line.

    Blank lines before the header and at the end are skipped; a blank line between data
    rows is refused, since it usually means the file was pasted together wrongly.
    """

    def __init__(self, text: str, shown: str) -> None:
        self.shown, self.size = shown, len(text)
        self.done = False
        sample = text[:_SAMPLE]  # the length of a line, on average, judged from the start
        self._line_size = max(1.0, len(sample) / _line_of(sample, len(sample)))
        lines = map(re.Match.group, _LINE.finditer(text))
        self._reader = csv.reader(lines, delimiter=_delimiter(text), strict=True)
        self._start = 1
        self._blank_at: int | None = None
        self._any = False
        header = self._read(1)
        if not header:
            raise DataError(f"The file '{shown}' is empty.")
        if all(LOOKS_NUMERIC.fullmatch(f) for f in header[0][FIELDS]):
            raise DataError(
                f"Line {header[0][LINE]} of '{shown}' holds numbers, but the first line must "
                "name the columns (a header row such as: x1,x2,y)."
            )
        self.header = header[0]

    @property
    def position(self) -> int:
        """About how many characters are read so far."""
        if self.done:
            return self.size
        return min(self.size, int(self._reader.line_num * self._line_size))

    def _read(self, count: int) -> list[Row]:
        """Up to ``count`` rows that are not blank (fewer at the end, then ``done``)."""
        rows: list[Row] = []
        reader, start = self._reader, self._start
        try:
            for fields in reader:
                line, start = start, reader.line_num + 1
                stripped = tuple([f.strip() for f in fields])
                if not any(stripped):
                    if (rows or self._any) and self._blank_at is None:
                        self._blank_at = line
                    continue
                if self._blank_at is not None:
                    raise DataError(
                        f"Line {self._blank_at} of '{self.shown}' is empty, but more rows "
                        f"follow on line {line}. Remove the empty line."
                    )
                rows.append((line, stripped))
                if len(rows) >= count:
                    break
            else:
                self.done = True
        except csv.Error as error:
            raise DataError(
                f"Line {start} of '{self.shown}' cannot be read as CSV ({error}); "
                "check its quote marks."
            ) from None
        finally:
            self._start = start
            self._any = self._any or bool(rows)
        return rows

    def rows(self, characters: int) -> list[Row]:
        """The next data rows, about ``characters`` of text (at least one row unless done)."""
        if self.done:
            return []
        return self._read(max(1, int(characters / self._line_size)))


class Steps:
    """A file read block by block and then cut into rows, a step at a time.

    ``step(units)`` does about ``units`` bytes or characters of the work and says how many;
    ``fraction`` is the share done; ``done`` says the result is ready. A problem raises
    ``DataError`` from the step that meets it.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = path
        self._text = TextReader(path, MAX_FILE_BYTES)
        self._rows: RowReader | None = None
        self.done = False

    @property
    def shown(self) -> str:
        """The file's name, as messages give it."""
        return self._text.shown

    @property
    def fraction(self) -> float:
        """The share of the work done, from 0 to 1."""
        if self.done:
            return 1.0
        if self._rows is None:
            return _READ_SHARE * self._text.position / max(1, self._text.size)
        return _READ_SHARE + (1 - _READ_SHARE) * self._rows.position / max(1, self._rows.size)

    def close(self) -> None:
        """Let go of the file (a job stopped half-way)."""
        self._text.close()

    def step(self, units: int) -> int:
        """About ``units`` more bytes read or characters parsed; how many (0 once done)."""
        if self.done:
            return 0
        if self._rows is None:
            count = self._text.step(units)
            if self._text.done:
                text, self._text.text = self._text.text, ""
                self._rows = RowReader(text, self.shown)
                self._begin(self._rows.header)
            return count
        before = self._rows.position
        self._take(self._rows.rows(units))
        if self._rows.done or self._enough():
            self._end()
            self.done = True
        return max(1, self._rows.position - before)

    def _begin(self, header: Row) -> None:
        """The header is read (its checks go here)."""

    def _take(self, rows: list[Row]) -> None:
        """The next data rows."""

    def _enough(self) -> bool:
        """Whether the rows read so far are all that is wanted."""
        return False

    def _end(self) -> None:
        """Every wanted row is read: make the result."""

    def result(self) -> object:
        """What the job made (once ``done``)."""
        raise NotImplementedError


def run_steps(
    job: Steps,
    *,
    progress: Callable[[float], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    units: int = 1 << 20,
) -> bool:
    """Take a job's steps to the end, telling ``progress`` the share done after each; False
    (the file let go) if ``cancelled()`` says stop before the end."""
    while not job.done:
        if cancelled is not None and cancelled():
            job.close()
            return False
        job.step(units)
        if progress is not None:
            progress(job.fraction)
    return True


@dataclass(frozen=True)
class CsvPreview:
    """A CSV file at a glance: its header, its first data rows and how many rows it has."""

    path: str
    shown: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_count: int


class CsvScan(Steps):
    """Reads a whole CSV file to list its columns, keep its first rows and count its rows
    (refusing a file that is no CSV as ``read_csv`` would)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path)
        self._columns: tuple[str, ...] = ()
        self._preview: list[tuple[str, ...]] = []
        self._count = 0

    def _begin(self, header: Row) -> None:
        self._columns = tuple(header[FIELDS])

    def _take(self, rows: list[Row]) -> None:
        self._count += len(rows)
        room = PREVIEW_ROWS - len(self._preview)
        self._preview.extend(tuple(row[FIELDS]) for row in rows[: max(0, room)])

    def result(self) -> CsvPreview:
        """The preview (once ``done``)."""
        assert self.done
        return CsvPreview(
            os.fspath(self.path), self.shown, self._columns, tuple(self._preview), self._count
        )
