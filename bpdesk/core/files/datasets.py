"""Training data sets in one name: the Dataset record, the seeded generators and the registry.

The pieces live in ``dataset`` (the record, its splits and scalings), ``generators`` (the
seeded synthetic sets) and ``builtin`` (shipped Iris and digits, ``BUILTIN``, recipes).
"""

from __future__ import annotations

from bpdesk.core.files.builtin import BUILTIN, digits, iris, load_builtin, rebuild
from bpdesk.core.files.dataset import SCALINGS, TASKS, Dataset
from bpdesk.core.files.generators import (
    MAX_GENERATED,
    blobs,
    circles,
    lecture_sample,
    logic_gate,
    moons,
    noisy_sine,
    two_spirals,
)

__all__ = [
    "BUILTIN",
    "MAX_GENERATED",
    "SCALINGS",
    "TASKS",
    "Dataset",
    "blobs",
    "circles",
    "digits",
    "iris",
    "lecture_sample",
    "load_builtin",
    "logic_gate",
    "moons",
    "noisy_sine",
    "rebuild",
    "two_spirals",
]
