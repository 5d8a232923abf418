"""Preset session files: shipped exactly as the core makes them, each one loads and learns."""

from __future__ import annotations

import pytest

from bpdesk.core.files.documents import open_source, preset_names
from bpdesk.core.files.preset_files import PRESET_BUILDERS, build_preset
from bpdesk.core.files.session import dumps_session
from bpdesk.resources import resource_path


@pytest.mark.parametrize("name", list(PRESET_BUILDERS))
def test_shipped_preset_file_is_what_the_core_makes(name):
    shipped = resource_path("presets", f"{name}.bpdesk").read_text(encoding="utf-8")
    assert shipped == dumps_session(build_preset(name)) + "\n"


@pytest.mark.parametrize("name", list(PRESET_BUILDERS))
def test_each_preset_loads_and_its_error_falls(name):
    stepper = open_source(name)
    trainer = stepper.trainer
    start = trainer.evaluate()
    stepper.run(epochs=30 if trainer.n_samples > 1 else 300)
    assert trainer.evaluate() < start
    assert stepper.meta["title"]


def test_preset_list_names_every_file():
    assert set(PRESET_BUILDERS) <= set(preset_names())
