"""The built-in data sets: shapes, seeds, splitting, scaling and refusing bad parameters."""

from __future__ import annotations

import numpy as np
import pytest

from bpdesk.core.errors import DataError
from bpdesk.core.files import datasets
from bpdesk.core.files.datasets import BUILTIN, Dataset, load_builtin, rebuild

RANDOM_SETS = ["spirals", "circles", "moons", "blobs", "sine"]


def _small(**changes: object) -> Dataset:
    values: dict[str, object] = {
        "name": "tiny",
        "inputs": np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]),
        "targets": np.array([[1.0], [0.0], [1.0]]),
        "input_names": ("a", "b"),
        "target_names": ("y",),
        "task": "binary",
        "source": "",
        "description": "Three samples.",
    }
    values.update(changes)
    return Dataset(**values)  # type: ignore[arg-type]


def _rows(dataset: Dataset) -> set[tuple[float, ...]]:
    return {tuple(row) for row in np.hstack([dataset.inputs, dataset.targets])}


# --- every built-in set ------------------------------------------------------------------


def test_registry_has_the_documented_names():
    assert set(BUILTIN) == {
        "lecture",
        "and",
        "or",
        "xor",
        "spirals",
        "circles",
        "moons",
        "blobs",
        "sine",
        "iris",
        "digits",
        "digits1000",
    }


@pytest.mark.parametrize("name", list(BUILTIN))
def test_builtin_set_is_consistent(name):
    ds = load_builtin(name)
    assert ds.inputs.dtype == np.float64 and ds.targets.dtype == np.float64
    assert ds.inputs.shape == (ds.n_samples, ds.n_inputs)
    assert ds.targets.shape == (ds.n_samples, ds.n_outputs)
    assert len(ds.input_names) == ds.n_inputs
    assert len(ds.target_names) == ds.n_outputs
    assert ds.task in ("regression", "binary", "multiclass")
    assert np.isfinite(ds.inputs).all() and np.isfinite(ds.targets).all()
    assert not ds.inputs.flags.writeable and not ds.targets.flags.writeable
    assert ds.description.endswith((".", "?"))
    assert ds.params["builtin"] == name
    if ds.task == "multiclass":
        assert len(ds.class_names) == ds.n_outputs
        assert (ds.targets.sum(axis=1) == 1.0).all()
    if ds.task == "binary":
        assert set(np.unique(ds.targets)) <= {0.0, 1.0}


@pytest.mark.parametrize("name", list(BUILTIN))
def test_builtin_set_rebuilds_from_its_params(name):
    ds = load_builtin(name)
    again = rebuild(ds.params)
    np.testing.assert_array_equal(again.inputs, ds.inputs)
    np.testing.assert_array_equal(again.targets, ds.targets)
    assert again.name == ds.name


def test_arrays_cannot_be_written():
    ds = load_builtin("xor")
    with pytest.raises(ValueError):
        ds.inputs[0, 0] = 5.0
    with pytest.raises(ValueError):
        ds.targets[0, 0] = 5.0


def test_lecture_sample_is_the_lecture_figures():
    ds = datasets.lecture_sample()
    assert ds.inputs.tolist() == [[0.05, 0.10]]
    assert ds.targets.tolist() == [[0.01, 0.99]]
    assert ds.input_names == ("i1", "i2")
    assert ds.target_names == ("o1", "o2")


@pytest.mark.parametrize(
    ("kind", "column"), [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])]
)
def test_logic_gate_truth_tables(kind, column):
    ds = datasets.logic_gate(kind)
    assert ds.inputs.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert ds.targets[:, 0].tolist() == column
    assert ds.task == "binary"
    assert kind.upper() in ds.target_names[0]


def test_unknown_logic_gate_is_refused():
    with pytest.raises(DataError, match="nand"):
        datasets.logic_gate("nand")


def test_iris_shape_and_classes():
    ds = datasets.iris()
    assert ds.inputs.shape == (150, 4)
    assert ds.targets.shape == (150, 3)
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert ds.targets.sum(axis=0).tolist() == [50, 50, 50]
    assert ds.input_names[0] == "sepal_length_cm"
    assert ds.task == "multiclass"
    assert "Fisher" in ds.source and "1936" in ds.source
    assert ds.inputs[0].tolist() == [5.1, 3.5, 1.4, 0.2]  # the first flower of the file
    assert ds.targets[0].tolist() == [1.0, 0.0, 0.0]


def test_digits_shape_classes_and_scaling():
    ds = datasets.digits()
    assert ds.inputs.shape == (1797, 64)
    assert ds.targets.shape == (1797, 10)
    assert ds.class_names == tuple(str(d) for d in range(10))
    assert ds.image_shape == (8, 8)
    assert ds.inputs.min() == 0.0 and ds.inputs.max() == 1.0
    assert ((ds.inputs * 16.0) == np.round(ds.inputs * 16.0)).all()  # counts 0..16, divided
    assert (ds.targets.sum(axis=0) >= 170).all()
    assert "CC BY 4.0" in ds.source
    assert ds.task == "multiclass"


def test_digits_calls_are_independent():
    first = datasets.digits()
    second = datasets.digits()
    assert first is not second
    first.params["changed"] = True
    assert "changed" not in second.params


def test_spirals_shape_range_and_balance():
    ds = datasets.two_spirals(n=401)
    assert ds.inputs.shape == (401, 2)
    assert np.abs(ds.inputs).max() <= 1.0
    assert np.abs(ds.inputs).max() > 0.9
    assert sorted(np.unique(ds.targets).tolist()) == [0.0, 1.0]
    assert int(ds.targets.sum()) in (200, 201)


def test_spirals_are_mirror_images():
    ds = datasets.two_spirals(n=400, noise=0.0, seed=4)
    radius = np.hypot(ds.inputs[:, 0], ds.inputs[:, 1])
    assert radius.min() >= 0.1 - 1e-12 and radius.max() <= 1.0 + 1e-12
    # a point of one spiral turned half a turn lies on the other spiral: the classes'
    # radii and angles follow the same curve, so their mean radii match closely
    zero, one = radius[ds.targets[:, 0] == 0], radius[ds.targets[:, 0] == 1]
    assert abs(zero.mean() - one.mean()) < 0.05


def test_circles_radii():
    ds = datasets.circles(n=100, noise=0.0, factor=0.3, seed=1)
    radius = np.hypot(ds.inputs[:, 0], ds.inputs[:, 1])
    outer = radius[ds.targets[:, 0] == 0]
    inner = radius[ds.targets[:, 0] == 1]
    np.testing.assert_allclose(outer, 1.0)
    np.testing.assert_allclose(inner, 0.3)
    assert len(outer) == len(inner) == 50


def test_moons_range():
    ds = datasets.moons(n=300, noise=0.0, seed=2)
    assert ds.inputs[:, 0].min() >= -1.0 - 1e-12 and ds.inputs[:, 0].max() <= 1.0 + 1e-12
    assert ds.inputs[:, 1].min() >= -0.5 - 1e-12 and ds.inputs[:, 1].max() <= 0.5 + 1e-12
    assert int(ds.targets.sum()) == 150


def test_blobs_classes():
    ds = datasets.blobs(n=100, centers=4, noise=0.5, seed=3)
    assert ds.targets.shape == (100, 4)
    assert ds.targets.sum(axis=0).tolist() == [25, 25, 25, 25]
    assert len(ds.class_names) == 4
    means = [ds.inputs[ds.targets[:, k] == 1].mean(axis=0) for k in range(4)]
    for k in range(4):
        assert np.hypot(*means[k]) == pytest.approx(5.0, abs=0.5)


def test_sine_without_noise_is_the_curve():
    ds = datasets.noisy_sine(n=50, noise=0.0, seed=5)
    x = ds.inputs[:, 0]
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert (np.diff(x) >= 0).all()
    np.testing.assert_allclose(ds.targets[:, 0], np.sin(np.pi * x))
    assert ds.task == "regression"


def test_sine_noise_moves_the_targets():
    ds = datasets.noisy_sine(n=200, noise=0.2, seed=5)
    residual = ds.targets[:, 0] - np.sin(np.pi * ds.inputs[:, 0])
    assert 0.1 < residual.std() < 0.3


# --- seeds -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", RANDOM_SETS)
def test_same_seed_same_data(name):
    a = load_builtin(name, seed=7)
    b = load_builtin(name, seed=7)
    np.testing.assert_array_equal(a.inputs, b.inputs)
    np.testing.assert_array_equal(a.targets, b.targets)


@pytest.mark.parametrize("name", RANDOM_SETS)
def test_different_seed_different_data(name):
    a = load_builtin(name, seed=7)
    b = load_builtin(name, seed=8)
    assert not np.array_equal(a.inputs, b.inputs)


def test_spirals_without_noise_still_depend_on_the_seed():
    a = datasets.two_spirals(noise=0.0, seed=1)
    b = datasets.two_spirals(noise=0.0, seed=2)
    assert not np.array_equal(a.inputs, b.inputs)


def test_params_record_every_argument():
    ds = load_builtin("circles", n=60, seed=9)
    assert ds.params == {
        "builtin": "circles",
        "params": {"n": 60, "noise": 0.05, "factor": 0.5, "seed": 9},
    }
    assert rebuild(ds.params).n_samples == 60


# --- load_builtin and bad parameters -----------------------------------------------------


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(DataError) as caught:
        load_builtin("mnist")
    message = str(caught.value)
    assert "mnist" in message
    for name in BUILTIN:
        assert name in message


@pytest.mark.parametrize(
    ("name", "params", "word"),
    [
        ("spirals", {"n": 0}, "n must"),
        ("spirals", {"n": -5}, "n must"),
        ("spirals", {"n": 2.5}, "n must"),
        ("spirals", {"n": "400"}, "n must"),
        ("spirals", {"n": True}, "n must"),
        ("spirals", {"n": 10**9}, "n must"),
        ("moons", {"noise": -0.1}, "noise"),
        ("moons", {"noise": float("nan")}, "noise"),
        ("moons", {"noise": "lots"}, "noise"),
        ("sine", {"seed": -1}, "seed"),
        ("sine", {"seed": 1.5}, "seed"),
        ("circles", {"factor": 1.5}, "factor"),
        ("circles", {"factor": 0}, "factor"),
        ("blobs", {"centers": 1}, "centers"),
        ("blobs", {"centers": 3, "n": 2}, "n must"),
        ("blobs", {"colour": "red"}, "colour"),
        ("xor", {"n": 4}, "takes none"),
    ],
)
def test_bad_parameters_are_refused(name, params, word):
    with pytest.raises(DataError, match=word):
        load_builtin(name, **params)


def test_integer_noise_from_a_session_file_is_accepted():
    ds = load_builtin("moons", n=10, noise=0)
    assert ds.params["params"] == {"n": 10, "noise": 0.0, "seed": 0}


def test_numpy_integers_are_accepted():
    ds = load_builtin("spirals", n=np.int64(20), seed=np.int32(3))
    assert ds.n_samples == 20


def test_rebuild_refuses_a_bad_recipe():
    with pytest.raises(DataError):
        rebuild({"params": {}})
    with pytest.raises(DataError):
        rebuild({"builtin": "xor", "steps": [{"shuffle": True}]})
    with pytest.raises(DataError):
        rebuild({"builtin": "xor", "params": [1, 2]})


# --- the Dataset record ------------------------------------------------------------------


def test_properties():
    ds = _small()
    assert (ds.n_samples, ds.n_inputs, ds.n_outputs) == (3, 2, 1)


def test_dataset_copies_its_arrays():
    inputs = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    ds = _small(inputs=inputs)
    inputs[0, 0] = 99.0
    assert ds.inputs[0, 0] == 0.0
    assert inputs.flags.writeable  # the caller's array is left alone


@pytest.mark.parametrize(
    "changes",
    [
        {"targets": np.array([[1.0], [0.0]])},
        {"inputs": np.array([[0.0, np.nan], [2.0, 3.0], [4.0, 5.0]])},
        {"targets": np.array([[np.inf], [0.0], [1.0]])},
        {"input_names": ("a",)},
        {"target_names": ("y", "z")},
        {"task": "clustering"},
        {"targets": np.array([[0.5], [0.0], [1.0]])},
        {"task": "multiclass", "targets": np.array([[1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])},
        {"image_shape": (3, 3)},
        {"inputs": np.array([0.0, 1.0, 2.0])},
        {"inputs": np.zeros((0, 2)), "targets": np.zeros((0, 1))},
        {"inputs": [["a", "b"], ["c", "d"], ["e", "f"]]},
        {"class_names": ("one", "two")},
    ],
)
def test_invalid_dataset_is_refused(changes):
    with pytest.raises(DataError):
        _small(**changes)


def test_image_shape_matching_the_inputs_is_kept():
    ds = _small(inputs=np.zeros((3, 4)), input_names=("a", "b", "c", "d"), image_shape=(2, 2))
    assert ds.image_shape == (2, 2)


# --- split ---------------------------------------------------------------------------------


def test_split_sizes_and_disjoint():
    ds = datasets.two_spirals(n=200, noise=0.05, seed=1)
    train, test = ds.split(0.25, seed=3)
    assert (train.n_samples, test.n_samples) == (150, 50)
    assert _rows(train).isdisjoint(_rows(test))
    assert _rows(train) | _rows(test) == _rows(ds)
    assert train.n_inputs == test.n_inputs == 2


def test_split_rounds_the_test_part():
    ds = datasets.noisy_sine(n=10)
    assert ds.split(0.26, seed=0)[1].n_samples == 3
    assert ds.split(0.34, seed=0)[1].n_samples == 3
    assert ds.split(0.36, seed=0)[1].n_samples == 4


def test_split_is_reproducible_and_depends_on_the_seed():
    ds = datasets.moons(n=100, seed=0)
    a_train, a_test = ds.split(0.3, seed=11)
    b_train, b_test = ds.split(0.3, seed=11)
    c_train, _ = ds.split(0.3, seed=12)
    np.testing.assert_array_equal(a_train.inputs, b_train.inputs)
    np.testing.assert_array_equal(a_test.targets, b_test.targets)
    assert not np.array_equal(a_train.inputs, c_train.inputs)


def test_split_keeps_the_description_of_the_set():
    ds = datasets.digits()
    train, test = ds.split(0.2, seed=0)
    assert train.image_shape == test.image_shape == (8, 8)
    assert train.class_names == ds.class_names
    assert train.source == ds.source
    assert "training" in train.name and "test" in test.name
    assert not train.inputs.flags.writeable


def test_split_parts_rebuild_from_their_params():
    ds = datasets.blobs(n=60, seed=2)
    train, test = ds.split(0.5, seed=4)
    np.testing.assert_array_equal(rebuild(train.params).inputs, train.inputs)
    np.testing.assert_array_equal(rebuild(test.params).inputs, test.inputs)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.2, 1.5, float("nan"), True, "0.2"])
def test_split_refuses_bad_fractions(fraction):
    with pytest.raises(DataError, match="fraction"):
        datasets.noisy_sine(n=20).split(fraction, seed=0)


def test_split_refuses_an_empty_part():
    ds = datasets.logic_gate("xor")
    with pytest.raises(DataError, match="at least one sample"):
        ds.split(0.1, seed=0)  # 0.4 of a sample rounds to none
    with pytest.raises(DataError, match="at least one sample"):
        ds.split(0.9, seed=0)  # 3.6 rounds to all four
    with pytest.raises(DataError, match="at least one sample"):
        datasets.lecture_sample().split(0.5, seed=0)
    train, test = ds.split(0.5, seed=0)
    assert train.n_samples == test.n_samples == 2


def test_split_refuses_a_bad_seed():
    with pytest.raises(DataError, match="seed"):
        datasets.noisy_sine().split(0.2, seed=-3)


# --- scaling -------------------------------------------------------------------------------


def _with_constant_column() -> Dataset:
    inputs = np.array([[1.0, 7.0, -3.0], [2.0, 7.0, 5.0], [4.0, 7.0, 1.0], [9.0, 7.0, 0.0]])
    return _small(
        inputs=inputs,
        targets=np.array([[0.0], [1.0], [0.0], [1.0]]),
        input_names=("a", "b", "c"),
    )


def test_minmax_scaling():
    ds = _with_constant_column()
    out = ds.scaled("minmax")
    assert out.inputs[:, 0].tolist() == [0.0, 0.125, 0.375, 1.0]
    assert out.inputs[:, 1].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert out.inputs[:, 2].min() == 0.0 and out.inputs[:, 2].max() == 1.0
    np.testing.assert_array_equal(out.targets, ds.targets)
    assert ds.inputs[0, 0] == 1.0  # the original is untouched


def test_standard_scaling():
    ds = _with_constant_column()
    out = ds.scaled("standard")
    np.testing.assert_allclose(out.inputs[:, [0, 2]].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.inputs[:, [0, 2]].std(axis=0), 1.0)
    assert out.inputs[:, 1].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert not out.inputs.flags.writeable


def test_scaling_none_keeps_the_values():
    ds = datasets.moons(n=20)
    out = ds.scaled("none")
    np.testing.assert_array_equal(out.inputs, ds.inputs)
    assert out.params == ds.params


def test_scaling_of_a_builtin_rebuilds():
    ds = datasets.blobs(n=30).scaled("standard")
    assert ds.params["steps"] == [{"scaled": "standard"}]
    np.testing.assert_array_equal(rebuild(ds.params).inputs, ds.inputs)


def test_unknown_scaling_is_refused():
    with pytest.raises(DataError, match="scaling"):
        datasets.moons().scaled("log")


def test_scaling_huge_values_does_not_overflow():
    ds = _small(inputs=np.array([[-1e308, 0.0], [1e308, 1.0], [0.0, 2.0]]))
    assert ds.scaled("minmax").inputs[:, 0].tolist() == [0.0, 1.0, 0.5]
    out = ds.scaled("standard").inputs
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0)


def test_scaling_tiny_values():
    ds = _small(inputs=np.array([[1e-310, 0.0], [3e-310, 1.0], [2e-310, 2.0]]))
    np.testing.assert_allclose(ds.scaled("minmax").inputs[:, 0], [0.0, 1.0, 0.5])
    np.testing.assert_allclose(ds.scaled("standard").inputs[:, 0].std(), 1.0)


def _imports(module: str) -> set[str]:
    """The bpdesk modules a module's source imports."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    with open(spec.origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    return {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bpdesk")
    }


def test_the_data_set_modules_import_without_a_cycle():
    files = "bpdesk.core.files"
    # The record needs nothing of the others; the CSV reader needs only the record; the
    # registry needs the reader and the generators.
    assert not _imports(f"{files}.dataset") & {f"{files}.{m}" for m in ("csv_import", "builtin")}
    assert f"{files}.dataset" in _imports(f"{files}.csv_import")
    assert not _imports(f"{files}.csv_import") & {
        f"{files}.{m}" for m in ("datasets", "builtin", "generators")
    }
    assert {f"{files}.csv_import", f"{files}.generators"} <= _imports(f"{files}.builtin")


def test_datasets_names_the_pieces_of_its_modules():
    from bpdesk.core.files import builtin, dataset, generators

    assert datasets.Dataset is dataset.Dataset
    assert datasets.two_spirals is generators.two_spirals
    assert datasets.load_builtin is builtin.load_builtin
    assert all(hasattr(datasets, name) for name in datasets.__all__)
