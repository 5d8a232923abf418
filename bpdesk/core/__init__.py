"""bpdesk's core for scripts and notebooks: networks, the step machine, training, data and files.

Pure NumPy; importing it never loads Qt. A script needs only this module::

    from bpdesk.core import Stepper, get_preset

    stepper = Stepper(get_preset("lecture").trainer())
    trace = stepper.full_step()  # forward, error, backward and update, every figure by name

The subpackages, one idea each: ``engine`` (networks, activations, losses, the chain rule,
optimisers, the trainer and sweeps), ``stepping`` (the step vocabulary, the step machine, its
traces and the snapshots views draw), ``files`` (sessions, data sets, CSV import, presets) and
``teaching`` (derivations, worked examples and handouts, narration, practice, lessons,
landscapes and side-by-side comparisons).
"""

from bpdesk.core.engine.gradcheck import GradCheck, gradient_check
from bpdesk.core.engine.init import INIT_METHODS, initialize
from bpdesk.core.engine.network import LayerSpec, Network, NetworkSpec
from bpdesk.core.engine.sweep import Sweep
from bpdesk.core.engine.trainer import UPDATE_ORDERS, RunResult, TrainConfig, Trainer
from bpdesk.core.errors import BpdeskError, ConfigError, DataError, SessionError
from bpdesk.core.files.csv_import import csv_columns, read_csv
from bpdesk.core.files.datasets import BUILTIN, Dataset, load_builtin
from bpdesk.core.files.documents import open_source, preset_names, save_session
from bpdesk.core.files.presets import PRESETS, Preset, get_preset
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot, make_snapshot
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import PHASES, STEP_KINDS, apply_command, take_step
from bpdesk.core.stepping.trace import StepTrace

__all__ = [
    "BUILTIN",
    "INIT_METHODS",
    "PHASES",
    "PRESETS",
    "STEP_KINDS",
    "UPDATE_ORDERS",
    "BpdeskError",
    "ConfigError",
    "DataError",
    "Dataset",
    "GradCheck",
    "LayerSpec",
    "Network",
    "NetworkSpec",
    "Preset",
    "RunResult",
    "SessionError",
    "Snapshot",
    "StepTrace",
    "Stepper",
    "Sweep",
    "TrainConfig",
    "Trainer",
    "apply_command",
    "csv_columns",
    "format_value",
    "get_preset",
    "gradient_check",
    "initialize",
    "load_builtin",
    "make_snapshot",
    "open_source",
    "preset_names",
    "read_csv",
    "save_session",
    "take_step",
]
