"""Reading a CSV file a step at a time: the same data and messages as at once, progress, a
stop half-way, the preview, and the row limit a saved lesson sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bpdesk.core.errors import DataError
from bpdesk.core.files import csv_import, documents, session
from bpdesk.core.files.csv_import import (
    MAX_ROWS,
    PREVIEW_ROWS,
    CsvRead,
    CsvScan,
    RowChoice,
    read_csv,
    run_steps,
)

GOOD = "x1,x2,label,y\n0.5,1,cat,3\n-2,4e-1,dog,0.25\n3.5,-7,cat,1e2\n"


def _write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _numbers(rows: int) -> str:
    return "x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(rows))


def _read_in_steps(path: Path, units: int, **choice: object) -> object:
    job = CsvRead(path, **choice)  # type: ignore[arg-type]
    assert run_steps(job, units=units)
    return job.result()


@pytest.mark.parametrize("units", [1, 3, 17, 1 << 20])
def test_any_step_size_reads_the_same_data_set(tmp_path, units):
    path = _write(tmp_path, "\ufeff" + GOOD.replace("\n", "\r\n"))
    whole = read_csv(path, inputs=["x1", "x2"], class_column="label")
    stepped = _read_in_steps(path, units, inputs=["x1", "x2"], class_column="label")
    np.testing.assert_array_equal(stepped.inputs, whole.inputs)  # type: ignore[attr-defined]
    np.testing.assert_array_equal(stepped.targets, whole.targets)  # type: ignore[attr-defined]
    assert stepped.input_names == ("x1", "x2")  # type: ignore[attr-defined]
    assert stepped.class_names == ("cat", "dog")  # type: ignore[attr-defined]


@pytest.mark.parametrize("units", [1, 5, 64])
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"x,y\n" + b"1,2\n" * 40 + b"3\x00,4\n", "line 42"),
        (b"x,y\n" + b"1,2\n" * 40 + b"\xff\xfe,4\n", "line 42"),
        (b"x,y\n" + b"1,2\n" * 40 + b"\x07,4\n", "line 42"),
        (b"x,y\n" + b"1,2\n" * 40 + b"5,6,7\n", "Line 42"),
        (b"x,y\n" + b"1,2\n" * 40 + b"NaN,5\n", "Line 42"),
        (b"x,y\n" + b"1,2\n" * 40 + b"\n3,4\n", "Line 42"),
        (b"x,y\n" + b"1,2\n" * 40 + b'"3"4,5\n', "Line 42"),
        (b"\n \r\n\n", "empty"),
    ],
)
def test_a_problem_in_a_late_step_is_named_as_at_once(tmp_path, units, content, expected):
    path = _write(tmp_path, content)
    with pytest.raises(DataError) as at_once:
        read_csv(path, inputs=["x"], targets=["y"])
    with pytest.raises(DataError) as stepped:
        _read_in_steps(path, units, inputs=["x"], targets=["y"])
    assert str(stepped.value) == str(at_once.value)
    assert expected in str(stepped.value)


def test_progress_rises_to_one_and_a_stop_leaves_the_job_unfinished(tmp_path):
    path = _write(tmp_path, _numbers(2000))
    seen: list[float] = []
    job = CsvRead(path, inputs=["x"], targets=["y"])
    assert run_steps(job, progress=seen.append, units=512)
    assert len(seen) > 5 and seen == sorted(seen) and seen[-1] == 1.0
    assert 0.0 <= seen[0] < 0.5

    stopped = CsvRead(path, inputs=["x"], targets=["y"])
    calls: list[float] = []
    assert not run_steps(
        stopped, progress=calls.append, cancelled=lambda: len(calls) >= 3, units=512
    )
    assert not stopped.done and len(calls) == 3 and calls[-1] < 1.0


def test_a_scan_lists_the_columns_keeps_the_first_rows_and_counts_them(tmp_path):
    rows = PREVIEW_ROWS + 7
    path = _write(tmp_path, "\ufeffx,x,y\n" + "".join(f"{i},{-i},{i % 3}\n" for i in range(rows)))
    scan = CsvScan(path)
    assert run_steps(scan, units=10)
    preview = scan.result()
    assert preview.columns == ("x", "x", "y")
    assert preview.row_count == rows
    assert len(preview.rows) == PREVIEW_ROWS
    assert preview.rows[1] == ("1", "-1", "1")
    assert preview.shown == "data.csv"


def test_a_scan_refuses_what_the_reader_refuses(tmp_path):
    for content in (b"", b"1,2\n3,4\n", b"\x89PNG\r\n\x1a\n\x00\x00"):
        with pytest.raises(DataError):
            run_steps(CsvScan(_write(tmp_path, content)))


def test_the_row_limit_is_the_one_a_saved_session_holds():
    assert MAX_ROWS == session.MAX_SAMPLES


def test_a_file_over_the_limit_is_refused_whole_but_its_first_rows_import(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 10)
    path = _write(tmp_path, _numbers(25))
    with pytest.raises(DataError) as caught:
        read_csv(path, inputs=["x"], targets=["y"])
    assert "more than 10 rows" in str(caught.value) and "data.csv" in str(caught.value)
    first = read_csv(path, inputs=["x"], targets=["y"], rows=RowChoice(10))
    assert first.inputs[:, 0].tolist() == list(range(10))
    assert "the first 10 rows" in first.description


def test_rows_spread_evenly_take_the_count_asked_for_with_equal_gaps(tmp_path):
    path = _write(tmp_path, _numbers(60))
    spread = read_csv(path, inputs=["x"], targets=["y"], rows=RowChoice(12, 60))
    taken = spread.inputs[:, 0].astype(int).tolist()
    assert len(taken) == 12
    assert set(np.diff(taken).tolist()) == {60 // 12}
    assert "spread evenly" in spread.description


def test_a_choice_of_more_rows_than_the_file_has_takes_every_row(tmp_path):
    path = _write(tmp_path, _numbers(6))
    ds = read_csv(path, inputs=["x"], targets=["y"], rows=RowChoice(50))
    assert ds.n_samples == 6 and ds.description.startswith("6 rows")


def test_a_wide_file_is_read_with_columns_chosen_by_name_and_number(tmp_path):
    names = [f"c{i}" for i in range(3000)]
    path = _write(tmp_path, ",".join(names) + "\n" + ",".join("1" for _ in names) + "\n")
    ds = read_csv(path, inputs=names[:-1], targets=[len(names) - 1])
    assert ds.n_inputs == len(names) - 1 and ds.input_names[-1] == names[-2]


def test_the_largest_import_saves_and_reopens(tmp_path):
    path = _write(tmp_path, _numbers(MAX_ROWS + 3))
    ds = read_csv(path, inputs=["x"], targets=["y"], rows=RowChoice(MAX_ROWS))
    assert ds.n_samples == MAX_ROWS
    stepper = documents.with_data(documents.open_source("lecture"), ds)
    saved = tmp_path / "big.bpdesk"
    session.save_session(saved, stepper)
    reopened = documents.open_source(saved)
    assert reopened.trainer.n_samples == MAX_ROWS
    np.testing.assert_array_equal(reopened.trainer.inputs, stepper.trainer.inputs)
