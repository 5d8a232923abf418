"""Session files (.bpdesk): one JSON document that resumes a lesson exactly where it was saved.

Loading checks every field and names the wrong one; nothing in a file is executed. Saving
writes a temporary file beside the target and renames it, so a crash never destroys a file.
"""

from __future__ import annotations

import builtins
import json
import math
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.config import (
    BATCH_SIZE,
    LEARNING_RATE,
    MOMENTUM,
    SEED,
    UPDATE_ORDERS,
    Setting,
    check_optimizer,
)
from bpdesk.core.engine.network import LayerSpec, Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import BpdeskError, SessionError
from bpdesk.core.stepping.stepper import SavedState, Stepper

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "dumps_session",
    "load_session",
    "loads_session",
    "save_session",
    "session_dict",
]

Array = NDArray[np.float64]

FORMAT_NAME = "bpdesk-session"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 256 * 1024 * 1024
"""The one size rule: saving refuses, and opening refuses, any session larger than this."""
MAX_SAMPLES = 200_000
MAX_HISTORY = 20_000_000

# A function per old version that lifts a document to the next version.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

DataResolver = Callable[[dict[str, Any]], tuple[Array, Array, dict[str, object]]]


# ------------------------------------------------------------------ writing
def session_dict(stepper: Stepper) -> dict[str, Any]:
    """The session as plain JSON-ready data."""
    trainer = stepper.trainer
    spec = trainer.network.spec
    cfg = trainer.config
    state = stepper.saved_state()
    weights = Network(spec, list(state.weights), list(state.biases))
    data = stepper.meta.get("data")
    if not isinstance(data, dict):
        data = {"inputs": trainer.inputs.tolist(), "targets": trainer.targets.tolist()}
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "title": str(stepper.meta.get("title", "")),
        "network": {
            "n_inputs": spec.n_inputs,
            "input_names": list(spec.input_names) if spec.input_names else None,
            "layers": [
                {"size": layer.size, "activation": layer.activation} for layer in spec.layers
            ],
            "loss": spec.loss,
            "shared_bias": spec.shared_bias,
        },
        "parameters": weights.values(),
        "training": {
            "eta": cfg.eta,
            "momentum": cfg.momentum,
            "batch_size": cfg.batch_size,
            "optimizer": cfg.optimizer,
            "update_order": cfg.update_order,
            "train_biases": cfg.train_biases,
            "shuffle": cfg.shuffle,
            "seed": cfg.seed,
        },
        "data": data,
        "state": {
            "epoch": state.epoch,
            "iteration": state.iteration,
            "position": state.position,
            "epoch_sum": state.epoch_sum,
            "diverged": state.diverged,
            "order": [int(i) for i in state.order],
            "rng": _jsonable(state.rng),
            "optimizer": _jsonable(state.optimizer),
            "step_done": state.done,
        },
        "history": {
            "iteration_errors": state.iteration_errors.tolist(),
            "epoch_errors": state.epoch_errors.tolist(),
            "test_errors": [] if state.test_errors is None else state.test_errors.tolist(),
        },
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"shape": list(value.shape), "values": value.ravel().tolist()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def dumps_session(stepper: Stepper) -> str:
    try:
        return json.dumps(session_dict(stepper), allow_nan=False, separators=(",", ":"))
    except ValueError:
        raise SessionError(
            "The session holds a value that is not a finite number (a diverged run?): "
            "step back to finite weights before saving."
        ) from None


def _check_size(name: str, stepper: Stepper, text: str) -> bytes:
    """The file's bytes, or a refusal if the loader would not open them again."""
    if stepper.trainer.n_samples > MAX_SAMPLES:
        raise SessionError(
            f"Cannot save {name}: a session holds at most {MAX_SAMPLES:,} samples and this "
            f"lesson has {stepper.trainer.n_samples:,}."
        )
    raw = text.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise SessionError(
            f"Cannot save {name}: it would be {len(raw) / 1e6:.0f} MB and a bpdesk session "
            f"holds at most {MAX_FILE_BYTES / 1e6:.0f} MB."
        )
    return raw


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def save_session(path: str | os.PathLike[str], stepper: Stepper) -> None:
    """Write the session atomically: a temporary file in the target's folder, then a rename.
    A link is written through; the target keeps its permission bits."""
    target = Path(os.path.realpath(path))
    name = Path(path).name or str(path)
    raw = _check_size(name, stepper, dumps_session(stepper))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = _new_file_mode()
    if not target.parent.is_dir():
        raise SessionError(f"Cannot save {name}: the folder {target.parent} does not exist.")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise SessionError(f"Cannot save {name}: {_reason(error)}.") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as error:
        Path(tmp_name).unlink(missing_ok=True)
        raise SessionError(f"Cannot save {name}: {_reason(error)}.") from None
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def _reason(error: OSError) -> str:
    return (error.strerror or "the system refused").lower()


# ------------------------------------------------------------------ reading
class _Field:
    """Reads one JSON value and names its path in every error."""

    def __init__(self, value: Any, path: str) -> None:
        self.value = value
        self.path = path

    def fail(self, reason: str) -> SessionError:
        return SessionError(f"In the session file, {self.path or 'the top level'}: {reason}.")

    def __getitem__(self, key: str) -> _Field:
        obj = self.dict()
        path = f"{self.path}.{key}" if self.path else key
        if key not in obj:
            raise SessionError(f"In the session file, {path} is missing.")
        return _Field(obj[key], path)

    def get(self, key: str) -> _Field | None:
        obj = self.dict()
        if key not in obj or obj[key] is None:
            return None
        return self[key]

    def dict(self) -> dict[str, Any]:
        if not isinstance(self.value, dict):
            raise self.fail(f"expected an object, got {_kind(self.value)}")
        return self.value

    def list(self, max_len: int = 10_000_000) -> list[_Field]:
        if not isinstance(self.value, list):
            raise self.fail(f"expected a list, got {_kind(self.value)}")
        if len(self.value) > max_len:
            raise self.fail(f"has {len(self.value)} entries, more than the {max_len} allowed")
        return [_Field(v, f"{self.path}[{i}]") for i, v in enumerate(self.value)]

    def str(self, choices: tuple[str, ...] | None = None) -> str:
        if not isinstance(self.value, str) or isinstance(self.value, _TooManyDigits):
            raise self.fail(f"expected text, got {_kind(self.value)}")
        if choices is not None and self.value not in choices:
            raise self.fail(f"'{self.value}' is not one of {', '.join(choices)}")
        return self.value

    def bool(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.fail(f"expected true or false, got {_kind(self.value)}")
        return self.value

    def int(self, low: int = 0, high: int = 2**63) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {_kind(self.value)}")
        if not low <= self.value <= high:
            raise self.fail(f"{self.value} is outside {low}…{high}")
        return self.value

    def float(self) -> float:
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise self.fail(f"expected a number, got {_kind(self.value)}")
        value = float(self.value)
        if not math.isfinite(value):
            raise self.fail("is not a finite number")
        return value

    def setting(self, setting: Setting) -> builtins.float:
        """A number the core's rule for ``setting`` allows (a whole one if it must be)."""
        if isinstance(self.value, bool) or not isinstance(self.value, (int, float)):
            raise self.fail(f"expected a number, got {_kind(self.value)}")
        if setting.integer and not isinstance(self.value, int):
            raise self.fail(f"expected a whole number, got {self.value!r}")
        reason = setting.check(self.value)
        if reason is not None:
            raise self.fail(reason[:1].lower() + reason[1:].rstrip("."))
        return builtins.float(self.value)

    def matrix(self, max_rows: builtins.int) -> Array:
        rows = self.list(max_rows)
        if not rows:
            raise self.fail("is empty")
        width = None
        for row in rows:
            cells = row.list(100_000)
            if width is None:
                width = len(cells)
            if len(cells) != width or width == 0:
                raise row.fail(f"has {len(cells)} values where the first row has {width}")
        try:
            array = np.array(self.value, dtype=np.float64)
        except (TypeError, ValueError, OverflowError):
            raise self.fail("holds something that is not a number") from None
        if not np.isfinite(array).all():
            raise self.fail("holds a value that is not a finite number")
        return array


class _TooManyDigits(str):
    """A whole number in the file too long to be any value bpdesk saves."""


def _whole_number(digits: str) -> int | _TooManyDigits:
    return int(digits) if len(digits) <= 40 else _TooManyDigits(digits)


def _kind(value: Any) -> str:
    if isinstance(value, _TooManyDigits):
        return f"a number with {len(value)} digits"
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        type(None): "null",
    }.get(type(value), "a number" if isinstance(value, (int, float)) else type(value).__name__)


def _array(field: _Field) -> Array:
    shape = [item.int(0, 10**7) for item in field["shape"].list(4)]
    values = [f.float() for f in field["values"].list()]
    if int(np.prod(shape)) != len(values):
        raise field.fail(f"shape {shape} does not match its {len(values)} values")
    return np.array(values, dtype=np.float64).reshape(shape)


def loads_session(text: str, resolve_data: DataResolver) -> Stepper:
    """A step machine from the text of a session file; ``resolve_data`` turns the ``data``
    section into (inputs, targets, meta)."""
    try:
        document = json.loads(text, parse_int=_whole_number)
    except json.JSONDecodeError as error:
        raise SessionError(
            f"This is not a bpdesk session file: it is not valid JSON (line {error.lineno}, "
            f"column {error.colno}: {error.msg})."
        ) from None
    except RecursionError:
        raise SessionError(
            "This session file is nested too deeply to be a bpdesk session."
        ) from None
    root = _Field(document, "")
    if root["format"].str() != FORMAT_NAME:
        raise root["format"].fail(f"expected '{FORMAT_NAME}'")
    version = root["version"].int(1, 10**6)
    if version > FORMAT_VERSION:
        raise SessionError(
            f"This session was saved by a newer bpdesk (format version {version}); this one reads "
            f"versions up to {FORMAT_VERSION}. Please update bpdesk."
        )
    while version < FORMAT_VERSION:
        document = _MIGRATIONS[version](document)
        version += 1
    root = _Field(document, "")
    try:
        return _build(root, resolve_data)
    except SessionError:
        raise
    except BpdeskError as error:
        raise SessionError(
            f"The session file does not describe a usable session: {error}"
        ) from None


def _build(root: _Field, resolve_data: DataResolver) -> Stepper:
    net = root["network"]
    layers = tuple(
        LayerSpec(f["size"].int(1, 4096), f["activation"].str()) for f in net["layers"].list(16)
    )
    names_field = net.get("input_names")
    input_names = tuple(f.str() for f in names_field.list(4096)) if names_field else None
    spec = NetworkSpec(
        net["n_inputs"].int(1, 4096),
        layers,
        loss=net["loss"].str(),
        shared_bias=net["shared_bias"].bool(),
        input_names=input_names,
    )
    params = root["parameters"]
    values = {name: params[name].float() for name in spec.parameter_names}
    extra = set(params.dict()) - set(spec.parameter_names)
    if extra:
        raise params.fail(f"names parameters the network does not have: {', '.join(sorted(extra))}")
    network = Network.from_values(spec, values)
    tr = root["training"]
    optimizer = tr["optimizer"].str()
    reason = check_optimizer(optimizer)
    if reason is not None:
        raise tr["optimizer"].fail(reason.rstrip("."))
    config = TrainConfig(
        eta=tr["eta"].setting(LEARNING_RATE),
        momentum=tr["momentum"].setting(MOMENTUM),
        batch_size=int(tr["batch_size"].setting(BATCH_SIZE)),
        optimizer=optimizer,
        update_order=tr["update_order"].str(UPDATE_ORDERS),
        train_biases=tr["train_biases"].bool(),
        shuffle=tr["shuffle"].bool(),
        seed=int(tr["seed"].setting(SEED)),
    )
    inputs, targets, meta = resolve_data(root["data"].dict())
    test_inputs = meta.pop("test_inputs", None)
    test_targets = meta.pop("test_targets", None)
    assert test_inputs is None or isinstance(test_inputs, np.ndarray)
    assert test_targets is None or isinstance(test_targets, np.ndarray)
    title = root.get("title")
    meta = {**meta, "title": title.str() if title else ""}
    trainer = Trainer(
        network,
        inputs,
        targets,
        config,
        test_inputs=test_inputs,
        test_targets=test_targets,
    )
    stepper = Stepper(trainer, meta=meta)
    state_field = root.get("state")
    if state_field is not None:
        stepper.load_state(_state(state_field, root["history"], stepper, trainer))
    return stepper


def _state(st: _Field, history: _Field, stepper: Stepper, trainer: Trainer) -> SavedState:
    n = trainer.n_samples
    order = np.array([f.int(0, n - 1) for f in st["order"].list(MAX_SAMPLES)], dtype=np.int64)
    if order.size != n or np.unique(order).size != n:
        raise st["order"].fail(f"must list each of the {n} samples once")
    position = st["position"].int(0, trainer.iterations_per_epoch - 1)
    rng = st["rng"].dict()
    try:
        probe = np.random.default_rng()
        probe.bit_generator.state = rng
    except (TypeError, ValueError, KeyError, OverflowError):
        raise st["rng"].fail("is not a random-generator state bpdesk can use") from None
    opt_field = st["optimizer"]
    optimizer_state = _optimizer_state(opt_field, trainer)
    diverged_field = st.get("diverged")
    test_history = history.get("test_errors")
    return SavedState(
        weights=tuple(trainer.network.weights),
        biases=tuple(trainer.network.biases),
        optimizer=optimizer_state,
        epoch=st["epoch"].int(),
        iteration=st["iteration"].int(),
        position=position,
        epoch_sum=st["epoch_sum"].float(),
        diverged=diverged_field.str() if diverged_field else None,
        order=order,
        rng=rng,
        iteration_errors=np.array(
            [f.float() for f in history["iteration_errors"].list(MAX_HISTORY)], dtype=np.float64
        ),
        epoch_errors=np.array(
            [f.float() for f in history["epoch_errors"].list(MAX_HISTORY)], dtype=np.float64
        ),
        done=st["step_done"].int(0, len(stepper.ops)),
        test_errors=np.array(
            [f.float() for f in test_history.list(MAX_HISTORY)] if test_history else [],
            dtype=np.float64,
        ),
    )


def _optimizer_state(field: _Field, trainer: Trainer) -> dict[str, object]:
    if trainer.lm is not None:
        return {"mu": field["mu"].float()}
    assert trainer.optimizer is not None
    expected = trainer.optimizer.state()
    result: dict[str, object] = {"t": field["t"].int()}
    for key, arrays in expected.items():
        if key == "t":
            continue
        assert isinstance(arrays, list)
        stored = field[key].list(64)
        if len(stored) != len(arrays):
            raise field[key].fail(f"needs {len(arrays)} arrays, has {len(stored)}")
        loaded = []
        for item, reference in zip(stored, arrays, strict=True):
            array = _array(item)
            if array.shape != reference.shape:
                raise item.fail(f"has shape {list(array.shape)}, expected {list(reference.shape)}")
            loaded.append(array)
        result[key] = loaded
    return result


_NOT_A_FILE = {stat.S_IFDIR: "a folder", stat.S_IFIFO: "a pipe", stat.S_IFSOCK: "a socket"}


def load_session(path: str | os.PathLike[str], resolve_data: DataResolver) -> Stepper:
    """Read and check a session file; SessionError names what is wrong."""
    file = Path(path)
    try:
        info = os.stat(file)
        if not stat.S_ISREG(info.st_mode):
            kind = _NOT_A_FILE.get(stat.S_IFMT(info.st_mode), "a device")
            raise SessionError(f"{file.name} is not a bpdesk session file: it is {kind}.")
        with open(file, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise SessionError(f"Cannot open {file.name}: {_reason(error)}.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SessionError(
            f"{file.name} is larger than any bpdesk session "
            f"({MAX_FILE_BYTES / 1e6:.0f} MB at most)."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SessionError(f"{file.name} is not a bpdesk session file: it is not text.") from None
    return loads_session(text, resolve_data)
