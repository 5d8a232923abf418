"""Importing CSV files: good files load exactly, and every bad one is refused naming its line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bpdesk.core.errors import DataError
from bpdesk.core.files import csv_import, csv_text
from bpdesk.core.files.csv_import import csv_columns, read_csv
from bpdesk.core.files.datasets import Dataset, iris
from bpdesk.resources import resource_path

GOOD = "x1,x2,label,y\n0.5,1,cat,3\n-2,4e-1,dog,0.25\n3.5,-7,cat,1e2\n"


def _write(tmp_path: Path, content: str | bytes, name: str = "data.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def _assert_valid(ds: Dataset) -> None:
    assert isinstance(ds, Dataset)
    assert ds.n_samples >= 1 and ds.n_inputs >= 1 and ds.n_outputs >= 1
    assert np.isfinite(ds.inputs).all() and np.isfinite(ds.targets).all()
    assert not ds.inputs.flags.writeable and not ds.targets.flags.writeable
    assert ds.inputs.shape[0] == ds.targets.shape[0]


# --- good files ----------------------------------------------------------------------------


def test_reads_columns_by_name(tmp_path):
    ds = read_csv(_write(tmp_path, GOOD), inputs=["x1", "x2"], targets=["y"])
    assert ds.inputs.tolist() == [[0.5, 1.0], [-2.0, 0.4], [3.5, -7.0]]
    assert ds.targets.tolist() == [[3.0], [0.25], [100.0]]
    assert ds.input_names == ("x1", "x2")
    assert ds.target_names == ("y",)
    assert ds.task == "regression"
    assert ds.name == "data"
    assert "data.csv" in ds.source
    assert ds.params == {}


def test_reads_columns_by_number_in_the_chosen_order(tmp_path):
    ds = read_csv(_write(tmp_path, GOOD), inputs=[1, 0], targets=[3], name="Pets")
    assert ds.inputs[0].tolist() == [1.0, 0.5]
    assert ds.input_names == ("x2", "x1")
    assert ds.name == "Pets"


def test_a_single_name_is_one_column(tmp_path):
    ds = read_csv(_write(tmp_path, GOOD), inputs="x1", targets="y")
    assert ds.n_inputs == 1 and ds.n_outputs == 1


def test_class_column_with_text_labels_is_one_hot(tmp_path):
    ds = read_csv(_write(tmp_path, GOOD), inputs=["x1", "x2", "y"], class_column="label")
    assert ds.class_names == ("cat", "dog")
    assert ds.target_names == ("cat", "dog")
    assert ds.targets.tolist() == [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    assert ds.task == "multiclass"


def test_numeric_class_labels_sort_as_numbers(tmp_path):
    text = "x,k\n1,10\n2,2\n3,1\n4,2\n"
    ds = read_csv(_write(tmp_path, text), inputs=["x"], class_column="k")
    assert ds.class_names == ("1", "2", "10")
    assert ds.targets.argmax(axis=1).tolist() == [2, 1, 0, 1]


def test_zero_one_targets_are_binary_and_one_hot_columns_multiclass(tmp_path):
    text = "x,a,b\n1,1,0\n2,0,1\n3,1,0\n"
    path = _write(tmp_path, text)
    assert read_csv(path, inputs=["x"], targets=["a"]).task == "binary"
    both = read_csv(path, inputs=["x"], targets=["a", "b"])
    assert both.task == "multiclass"
    assert both.class_names == ("a", "b")


def test_columns_not_chosen_may_hold_anything(tmp_path):
    text = "id,x,y\nfirst row,1,2\n,3,4\n"
    ds = read_csv(_write(tmp_path, text), inputs=["x"], targets=["y"])
    assert ds.inputs[:, 0].tolist() == [1.0, 3.0]


def test_blank_trailing_lines_crlf_bom_and_spaces(tmp_path):
    text = "\ufeff x , y \r\n 1 , 2 \r\n3,4\r\n\r\n   \r\n,\r\n"
    ds = read_csv(_write(tmp_path, text), inputs=["x"], targets=["y"])
    assert ds.inputs[:, 0].tolist() == [1.0, 3.0]
    assert ds.targets[:, 0].tolist() == [2.0, 4.0]


def test_quoted_fields(tmp_path):
    text = 'name,"x, in cm",y\n"Smith, J.",1.5,2\n"line\nbreak",2.5,3\n'
    path = _write(tmp_path, text)
    ds = read_csv(path, inputs=["x, in cm"], targets=["y"])
    assert ds.inputs[:, 0].tolist() == [1.5, 2.5]
    assert csv_columns(path) == ["name", "x, in cm", "y"]


def test_semicolons_and_tabs_separate_too(tmp_path):
    for text in ("x;y\n1;2\n3;4\n", "x\ty\n1\t2\n3\t4\n"):
        ds = read_csv(_write(tmp_path, text), inputs=["x"], targets=["y"])
        assert ds.targets[:, 0].tolist() == [2.0, 4.0]


def test_scaling_is_applied(tmp_path):
    text = "x,y\n2,0\n4,1\n10,1\n"
    path = _write(tmp_path, text)
    assert read_csv(path, inputs=["x"], targets=["y"], scaling="minmax").inputs[:, 0].tolist() == [
        0.0,
        0.25,
        1.0,
    ]
    standard = read_csv(path, inputs=["x"], targets=["y"], scaling="standard")
    assert standard.inputs.mean() == pytest.approx(0.0, abs=1e-12)
    assert standard.inputs.std() == pytest.approx(1.0)


def test_reads_the_shipped_iris_file_as_the_builtin_set():
    ds = read_csv(resource_path("data", "iris.csv"), inputs=[0, 1, 2, 3], class_column=4)
    np.testing.assert_array_equal(ds.inputs, iris().inputs)
    np.testing.assert_array_equal(ds.targets, iris().targets)


def test_csv_columns_returns_the_header(tmp_path):
    assert csv_columns(_write(tmp_path, GOOD)) == ["x1", "x2", "label", "y"]
    assert csv_columns(resource_path("data", "digits.csv"))[-1] == "digit"


# --- bad files ----------------------------------------------------------------------------

BAD_FILES = [
    pytest.param(b"", "empty", id="empty file"),
    pytest.param(b"\n \r\n\n", "empty", id="only blank lines"),
    pytest.param(b"x,y\n1,2\n3\x00,4\n", "line 3", id="NUL byte"),
    pytest.param(b"x,y\n1,2\n\xff\xfe,4\n", "line 3", id="not UTF-8"),
    pytest.param(b"x,y\n1,2\n5,6\n\x07,4\n", "line 4", id="control character"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file", id="binary"),
    pytest.param(b"x,y\n1,2\n3\n", "Line 3", id="too few values"),
    pytest.param(b"x,y\n1,2\n3,4\n5,6,7\n", "Line 4", id="too many values"),
    pytest.param(b"x,y\n1,2\nabc,4\n", "Line 3", id="not a number"),
    pytest.param(b"x,y\n1,2\n3,four\n", "Line 3", id="target not a number"),
    pytest.param(b"x,y\n1,\n", "Line 2", id="empty number"),
    pytest.param(b"x,y\n1,2\n3,4\nNaN,5\n", "Line 4", id="NaN"),
    pytest.param(b"x,y\n1,2\ninf,5\n", "Line 3", id="infinity"),
    pytest.param(b"x,y\n1,2\n1e999,5\n", "Line 3", id="overflow"),
    pytest.param(b"x,y\n1_000,2\n", "Line 2", id="underscore"),
    pytest.param(b"x;y\n1;2\n1,5;3\n", "Line 3", id="decimal comma"),
    pytest.param(b"x,y\n1,2\n\n3,4\n", "Line 3", id="blank line between rows"),
    pytest.param(b'x,y\n1,2\n"3"4,5\n', "Line 3", id="broken quotes"),
    pytest.param(b"1,2\n3,4\n", "Line 1", id="no header"),
    pytest.param(b"x,y\n", "line 1", id="header only"),
    pytest.param(b"x,y\r\n\r\n\r\n", "no rows", id="header and blank lines"),
]


@pytest.mark.parametrize(("content", "expected"), BAD_FILES)
def test_bad_file_is_refused_naming_the_line(tmp_path, content, expected):
    with pytest.raises(DataError) as caught:
        read_csv(_write(tmp_path, content), inputs=["x"], targets=["y"])
    assert expected in str(caught.value)
    assert "data.csv" in str(caught.value)


def test_line_numbers_count_crlf_and_lone_cr_once(tmp_path):
    for newline in ("\r\n", "\r"):
        text = newline.join(["x,y", "1,2", "3,4", "5,oops", ""])
        with pytest.raises(DataError, match="Line 4"):
            read_csv(_write(tmp_path, text), inputs=["x"], targets=["y"])


def test_line_number_of_a_row_after_a_multiline_field(tmp_path):
    text = 'note,x,y\n"two\nlines",1,2\nok,bad,3\n'
    with pytest.raises(DataError, match="Line 4"):
        read_csv(_write(tmp_path, text), inputs=["x"], targets=["y"])


def test_nothing_is_imported_when_the_last_row_is_bad(tmp_path):
    rows = "".join(f"{i},{i}\n" for i in range(500))
    with pytest.raises(DataError, match="Line 502"):
        read_csv(_write(tmp_path, "x,y\n" + rows + "1,x\n"), inputs=["x"], targets=["y"])


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"inputs": ["x1", "x1"], "targets": ["y"]}, "chosen twice"),
        ({"inputs": ["x1"], "targets": ["x1"]}, "chosen twice"),
        ({"inputs": [0], "targets": ["x1"]}, "chosen twice"),
        ({"inputs": ["label"], "class_column": "label"}, "chosen twice"),
        ({"inputs": ["height"], "targets": ["y"]}, "no column 'height'"),
        ({"inputs": [4], "targets": ["y"]}, "no column number 4"),
        ({"inputs": [-1], "targets": ["y"]}, "no column number -1"),
        ({"inputs": [1.0], "targets": ["y"]}, "name or its number"),
        ({"inputs": [], "targets": ["y"]}, "at least one input"),
        ({"inputs": ["x1"]}, "either"),
        ({"inputs": ["x1"], "targets": ["y"], "class_column": "label"}, "either"),
        ({"inputs": ["x1"], "targets": ["y"], "scaling": "log"}, "scaling"),
        ({"inputs": ["x1"], "class_column": 7}, "no column number 7"),
        ({"inputs": ["x1"], "targets": ["label"]}, "Line 2"),
    ],
)
def test_bad_column_choices_are_refused(tmp_path, kwargs, expected):
    text = "x1,x2,label,y\n1,2,a,3\n4,5,b,6\n"
    with pytest.raises(DataError) as caught:
        read_csv(_write(tmp_path, text), **kwargs)
    assert expected in str(caught.value)


def test_text_in_an_input_beside_a_class_column_names_the_line(tmp_path):
    text = "x1,x2,label\n1,2,a\n4,five,b\n"
    with pytest.raises(DataError, match=r"Line 3.*'five'"):
        read_csv(_write(tmp_path, text), inputs=["x1", "x2"], class_column="label")


def test_unknown_column_message_lists_the_header_line(tmp_path):
    with pytest.raises(DataError) as caught:
        read_csv(_write(tmp_path, GOOD), inputs=["z"], targets=["y"])
    message = str(caught.value)
    assert "line 1" in message and "x1, x2, label, y" in message


def test_duplicate_header_name_must_be_chosen_by_number(tmp_path):
    path = _write(tmp_path, "x,x,y\n1,2,3\n")
    with pytest.raises(DataError, match="more than once"):
        read_csv(path, inputs=["x"], targets=["y"])
    assert read_csv(path, inputs=[1], targets=["y"]).inputs.tolist() == [[2.0]]


def test_class_column_with_one_class_is_refused(tmp_path):
    path = _write(tmp_path, "x,k\n1,a\n2,a\n3,a\n")
    with pytest.raises(DataError) as caught:
        read_csv(path, inputs=["x"], class_column="k")
    assert "only one class" in str(caught.value)
    assert "from 2 to 4" in str(caught.value)


def test_class_column_with_an_empty_label_is_refused(tmp_path):
    path = _write(tmp_path, "x,k\n1,a\n2,\n3,b\n")
    with pytest.raises(DataError, match="Line 3"):
        read_csv(path, inputs=["x"], class_column="k")


def test_class_column_with_too_many_classes_is_refused(tmp_path):
    rows = "".join(f"{i},{i}\n" for i in range(csv_import.MAX_CLASSES + 1))
    with pytest.raises(DataError, match="at most"):
        read_csv(_write(tmp_path, "x,k\n" + rows), inputs=["x"], class_column="k")


def test_huge_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_text, "MAX_FILE_BYTES", 10)  # the reader's limit, read at open
    path = _write(tmp_path, GOOD)
    with pytest.raises(DataError, match="MB"):
        read_csv(path, inputs=["x1"], targets=["y"])
    with pytest.raises(DataError, match="MB"):
        csv_columns(path)


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(DataError, match="cannot be read"):
        read_csv(tmp_path / "absent.csv", inputs=["x"], targets=["y"])
    with pytest.raises(DataError, match="folder"):
        csv_columns(tmp_path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"", "empty"), (b"x,y\x00\n", "line 1"), (b"a,b\n\xc3(", "line 2"), (b"1,2\n", "Line 1")],
)
def test_csv_columns_refuses_empty_and_binary_files(tmp_path, content, expected):
    with pytest.raises(DataError) as caught:
        csv_columns(_write(tmp_path, content))
    assert expected in str(caught.value)


# --- hostile input ------------------------------------------------------------------------

HOSTILE = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

NUMBERS = st.one_of(
    st.integers(-1000, 1000).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["0", "1", " 2.5 ", "-0", ".5", "1E3"]),
)
TRAPS = st.one_of(
    st.sampled_from(
        ["", " ", "1e999", "nan", "inf", "-Infinity", "x", "a,b", '"', "1,5", "0x10", "١"]
    ),
    st.text(alphabet="0123456789.-+eE, ;\"'\t\r\nabcé\x00\x07\x85\u2028", max_size=8),
    st.floats().map(repr),
)
# mostly numbers, so that many tables load and the traps sit among good rows
CELLS = st.one_of(NUMBERS, NUMBERS, NUMBERS, NUMBERS, NUMBERS, st.sampled_from(["a", "b"]), TRAPS)
ROWS = st.one_of(
    st.lists(CELLS, min_size=3, max_size=3),
    st.lists(CELLS, min_size=3, max_size=3),
    st.lists(CELLS, min_size=1, max_size=4),
)
TABLES = st.lists(ROWS, min_size=0, max_size=8)
CHOICES = st.sampled_from(
    [
        {"inputs": ["a"], "targets": ["b"]},
        {"inputs": [0, 1], "targets": [2]},
        {"inputs": ["a", "b"], "class_column": "c"},
        {"inputs": [0], "class_column": 1, "scaling": "standard"},
        {"inputs": ["a"], "targets": ["b"], "scaling": "minmax"},
    ]
)


def _load_or_refuse(path: Path, choice: dict[str, object]) -> None:
    try:
        ds = read_csv(path, **choice)  # type: ignore[arg-type]
    except DataError as error:
        assert str(error)
        return
    _assert_valid(ds)


@HOSTILE
@given(content=st.binary(max_size=300), choice=CHOICES)
def test_random_bytes_load_or_raise_data_error(tmp_path, content, choice):
    path = _write(tmp_path, content)
    _load_or_refuse(path, choice)
    try:
        columns = csv_columns(path)
    except DataError:
        return
    assert all(isinstance(c, str) for c in columns)


@HOSTILE
@given(
    header=st.sampled_from(["a,b,c", "a,b,c", '"a","b","c"', "a,b", "c,b,a,d", "a;b;c", "a,a,b"]),
    table=TABLES,
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    choice=CHOICES,
)
def test_random_rows_load_or_raise_data_error(tmp_path, header, table, newline, choice):
    text = newline.join([header, *(",".join(row) for row in table)])
    _load_or_refuse(_write(tmp_path, text), choice)


@HOSTILE
@given(
    values=st.lists(
        st.tuples(
            st.floats(allow_nan=False, allow_infinity=False),
            st.floats(allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=20,
    ),
    trailing=st.sampled_from(["", "\n", "\n\n", "\r\n \r\n"]),
)
def test_any_table_of_finite_numbers_loads_exactly(tmp_path, values, trailing):
    text = "a,b\n" + "\n".join(f"{x!r},{y!r}" for x, y in values) + trailing
    ds = read_csv(_write(tmp_path, text), inputs=["a"], targets=["b"])
    assert ds.inputs[:, 0].tolist() == [x for x, _ in values]
    assert ds.targets[:, 0].tolist() == [y for _, y in values]
