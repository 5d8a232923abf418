"""Resource lookup from a source tree, a frozen bundle and an installed wheel; the app icon."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

import bpdesk
from bpdesk import resources
from bpdesk.resources import resource_path, resources_root

REPO = Path(__file__).resolve().parent.parent
SVG = REPO / "resources" / "icons" / "bpdesk.svg"
TOL = 1e-8


@pytest.fixture
def fresh_lookup():
    """resources_root() remembers its answer: forget it before and after the test."""
    resources_root.cache_clear()
    yield
    resources_root.cache_clear()


def test_source_tree_resources_are_found(fresh_lookup):
    root = resources_root()
    for part in (("presets", "lecture.bpdesk"), ("data", "iris.csv"), ("icons", "bpdesk.svg")):
        assert resource_path(*part).is_file(), part
    package_dir = Path(bpdesk.__file__).resolve().parent
    if package_dir.parent == REPO:  # running from the checkout (an editable install)
        assert root == REPO / "resources"
    assert json.loads(resource_path("presets", "lecture.bpdesk").read_text())["format"] == (
        "bpdesk-session"
    )


@pytest.mark.parametrize("layout", [("bpdesk", "resources"), ("resources",)])
def test_frozen_bundle_resources_are_found_first(tmp_path, monkeypatch, fresh_lookup, layout):
    bundled = tmp_path.joinpath(*layout)
    (bundled / "data").mkdir(parents=True)
    (bundled / "data" / "marker.txt").write_text("bundled")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_root() == bundled
    assert resource_path("data", "marker.txt").read_text() == "bundled"


def test_a_bundle_without_resources_falls_back_to_the_package(tmp_path, monkeypatch, fresh_lookup):
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_root() != tmp_path
    assert resource_path("data", "iris.csv").is_file()


def test_missing_resources_say_where_they_were_looked_for(tmp_path, monkeypatch, fresh_lookup):
    fake_module = tmp_path / "pkg" / "resources.py"
    fake_module.parent.mkdir()
    monkeypatch.setattr(resources, "__file__", str(fake_module))
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    with pytest.raises(FileNotFoundError, match="resource folder is missing") as error:
        resources_root()
    assert str(tmp_path) in str(error.value)


def test_icon_is_a_square_svg_qt_can_draw():
    renderer = QSvgRenderer(str(SVG))
    assert renderer.isValid()
    box = renderer.viewBoxF()
    assert box.width() == box.height() > 0


@pytest.mark.parametrize("size", [16, 48, 256])
def test_icon_is_drawn_edge_to_edge_at_every_size(size):
    """The tile fills the square (opaque centre, transparent corners) and has more than one
    colour, so the motif survives even at 16 px."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    centre = image.pixelColor(size // 2, size // 2)
    assert centre.alpha() == 255
    assert image.pixelColor(0, 0).alpha() < 128  # rounded corner
    colours = {image.pixel(x, y) for x in range(size) for y in range(size)}
    assert len(colours) > 8


@pytest.mark.slow
def test_installed_wheel_finds_its_resources(tmp_path, lecture_reference):
    """Build the wheel, install it outside the checkout and run the CLI from it."""
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    build = [*pip, "wheel", str(REPO), "--no-deps", "-w", str(wheels)]
    try:
        import hatchling  # noqa: F401

        build.append("--no-build-isolation")  # build with the installed backend, offline
    except ImportError:
        pass
    subprocess.run(build, check=True, timeout=180, cwd=tmp_path)
    (wheel,) = wheels.glob("bpdesk-*.whl")
    subprocess.run(
        [*pip, "install", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        timeout=180,
        cwd=tmp_path,
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import bpdesk; from bpdesk.resources import resources_root; "
            "print(bpdesk.__file__); print(resources_root())",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    package_file, root = probe.stdout.split()
    assert Path(package_file).is_relative_to(site)
    assert Path(root) == site / "bpdesk" / "resources"
    assert (Path(root) / "presets" / "lecture.bpdesk").is_file()
    assert (Path(root) / "icons" / "bpdesk.svg").is_file()

    trace = subprocess.run(
        [sys.executable, "-m", "bpdesk.cli", "trace", "--preset", "lecture", "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    values = json.loads(trace.stdout)
    assert values["out_h1"] == pytest.approx(lecture_reference["forward"]["out_h1"], abs=TOL)
    for name, expected in lecture_reference["updated_weights_after_one_step"].items():
        assert values[f"{name}+"] == pytest.approx(expected, abs=TOL), name


def test_the_1000_digits_are_the_first_rows_of_the_shipped_file_and_named_in_the_readme():
    """The lecture's "1000 images": the first 1,000 rows of digits.csv, read independently."""
    import csv

    from bpdesk.core.files.builtin import DIGITS_SOURCE, load_builtin

    dataset = load_builtin("digits1000")
    with resource_path("data", "digits.csv").open(encoding="utf-8") as file:
        rows = list(csv.reader(file))[1:1001]
    pixels = [[float(v) / 16.0 for v in row[:64]] for row in rows]
    digits = [int(row[64]) for row in rows]
    assert dataset.n_samples == 1000 == len(pixels)
    assert dataset.inputs.tolist() == pixels
    assert dataset.targets.argmax(axis=1).tolist() == digits
    assert sorted(set(digits)) == list(range(10))
    assert dataset.source == DIGITS_SOURCE
    readme = resource_path("data", "README.md").read_text(encoding="utf-8")
    assert "`digits1000`" in readme and "first 1,000 rows of `digits.csv`" in readme
