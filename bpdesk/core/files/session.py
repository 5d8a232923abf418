"""Session files (.bpdesk): one JSON document that resumes a lesson exactly where it was saved.

Loading checks every field and names the wrong one; nothing in a file is executed. Saving
writes a temporary file beside the target and renames it, so a crash never destroys a file.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.typing import NDArray

from bpdesk.core.engine.config import (
    BATCH_SIZE,
    LEARNING_RATE,
    MOMENTUM,
    PATIENCE,
    SEED,
    UPDATE_ORDERS,
    WEIGHT_DECAY,
    Setting,
    check_optimizer,
)
from bpdesk.core.engine.network import LayerSpec, Network, NetworkSpec
from bpdesk.core.engine.trainer import TrainConfig, Trainer
from bpdesk.core.errors import BpdeskError, SessionError
from bpdesk.core.files.session_fields import Field, whole_number
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
_CHUNK = 1 << 20  # bytes written or read at a time

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
    if not isinstance(data, dict) or data.get("edited"):
        data = _embedded_samples(stepper)
    training: dict[str, Any] = {
        "eta": cfg.eta,
        "momentum": cfg.momentum,
        "batch_size": cfg.batch_size,
        "optimizer": cfg.optimizer,
        "update_order": cfg.update_order,
        "train_biases": cfg.train_biases,
        "shuffle": cfg.shuffle,
        "seed": cfg.seed,
    }
    # Written only when used, so a session without them reads as before they existed.
    if cfg.weight_decay:
        training["weight_decay"] = cfg.weight_decay
    if cfg.patience:
        training["patience"] = cfg.patience
    history: dict[str, Any] = {
        "iteration_errors": state.iteration_errors.tolist(),
        "epoch_errors": state.epoch_errors.tolist(),
        "test_errors": [] if state.test_errors is None else state.test_errors.tolist(),
    }
    if trainer.validation_inputs is not None and state.validation_errors is not None:
        history["validation_errors"] = state.validation_errors.tolist()
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
        "training": training,
        "data": data,
        "state": {
            "epoch": state.epoch,
            "iteration": state.iteration,
            "position": state.position,
            "epoch_sum": state.epoch_sum,
            "diverged": state.diverged,
            "order": np.asarray(state.order, dtype=np.int64).tolist(),
            "rng": _jsonable(state.rng),
            "optimizer": _jsonable(state.optimizer),
            "step_done": state.done,
        },
        "history": history,
    }


def _embedded_samples(stepper: Stepper) -> dict[str, Any]:
    """The samples themselves (imported or edited data), the held-out parts as they are."""
    trainer = stepper.trainer
    data: dict[str, Any] = {"inputs": trainer.inputs.tolist(), "targets": trainer.targets.tolist()}
    name = stepper.meta.get("dataset_name")
    if isinstance(name, str) and name:
        data["name"] = name
    for part in ("validation", "test"):
        x, t = getattr(trainer, f"{part}_inputs"), getattr(trainer, f"{part}_targets")
        if x is not None and t is not None:
            data[f"{part}_inputs"], data[f"{part}_targets"] = x.tolist(), t.tolist()
    entry = stepper.meta.get("data")
    if isinstance(entry, dict) and "split_seed" in entry:
        data["split_seed"] = entry["split_seed"]
    return data


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


def _check_samples(name: str, stepper: Stepper) -> None:
    """A refusal, before anything is written out, if the loader would not take the samples."""
    if stepper.trainer.n_samples > MAX_SAMPLES:
        raise SessionError(
            f"Cannot save {name}: a session holds at most {MAX_SAMPLES:,} samples and this "
            f"lesson has {stepper.trainer.n_samples:,}."
        )


def _check_size(name: str, text: str) -> None:
    """A refusal if the loader would not open the file again (the text is ASCII: JSON escapes
    every other character, so its length is its size in bytes)."""
    if len(text) > MAX_FILE_BYTES:
        raise SessionError(
            f"Cannot save {name}: it would be {len(text) / 1e6:.0f} MB and a bpdesk session "
            f"holds at most {MAX_FILE_BYTES / 1e6:.0f} MB."
        )


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def save_session(path: str | os.PathLike[str], stepper: Stepper) -> None:
    """Write the session atomically: a temporary file in the target's folder, then a rename.
    A link is written through; the target keeps its permission bits."""
    target = Path(os.path.realpath(path))
    name = Path(path).name or str(path)
    _check_samples(name, stepper)
    text = dumps_session(stepper)
    _check_size(name, text)
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
            for start in range(0, len(text), _CHUNK):  # no second copy of the whole file
                handle.write(text[start : start + _CHUNK].encode("ascii"))
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
def _array(field: Field) -> Array:
    shape = [item.int(0, 10**7) for item in field["shape"].list(4)]
    values = field["values"].floats()
    if int(np.prod(shape)) != values.size:
        raise field.fail(f"shape {shape} does not match its {values.size} values")
    return values.reshape(shape)


def loads_session(text: str, resolve_data: DataResolver) -> Stepper:
    """A step machine from the text of a session file; ``resolve_data`` turns the ``data``
    section into (inputs, targets, meta)."""
    return _from_document(_parse(text), resolve_data)


def _parse(text: str) -> Any:
    try:
        return json.loads(text, parse_int=whole_number)
    except json.JSONDecodeError as error:
        raise SessionError(
            f"This is not a bpdesk session file: it is not valid JSON (line {error.lineno}, "
            f"column {error.colno}: {error.msg})."
        ) from None
    except RecursionError:
        raise SessionError(
            "This session file is nested too deeply to be a bpdesk session."
        ) from None


def _from_document(document: Any, resolve_data: DataResolver) -> Stepper:
    root = Field(document, "")
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
    root = Field(document, "")
    try:
        return _build(root, resolve_data)
    except SessionError:
        raise
    except BpdeskError as error:
        raise SessionError(
            f"The session file does not describe a usable session: {error}"
        ) from None


def _build(root: Field, resolve_data: DataResolver) -> Stepper:
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
    network = _network(root["parameters"], spec)
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
        weight_decay=_optional(tr, "weight_decay", WEIGHT_DECAY),
        patience=int(_optional(tr, "patience", PATIENCE)),
    )
    inputs, targets, meta = resolve_data(root["data"].dict())
    held_out = {}
    for key in ("test_inputs", "test_targets", "validation_inputs", "validation_targets"):
        value = meta.pop(key, None)
        assert value is None or isinstance(value, np.ndarray)
        held_out[key] = value
    title = root.get("title")
    meta = {**meta, "title": title.str() if title else ""}
    trainer = Trainer(
        network,
        inputs,
        targets,
        config,
        **held_out,
    )
    stepper = Stepper(trainer, meta=meta)
    state_field = root.get("state")
    if state_field is not None:
        stepper.load_state(_state(state_field, root["history"], stepper, trainer))
    return stepper


def _optional(training: Field, key: str, setting: Setting) -> float:
    """A setting a session may leave out (files older than it): 0 when it is not there."""
    field = training.get(key)
    return 0.0 if field is None else field.setting(setting)


def _network(params: Field, spec: NetworkSpec) -> Network:
    """The network from its parameters by name: one array when every value is a finite number
    (the names found in one pass), else value by value to name the one that is wrong."""
    stored = params.dict()
    names = spec.parameter_names
    if tuple(stored) == names:  # as bpdesk writes them: no name to look up
        values = list(stored.values())
    else:
        values = list(map(stored.get, names))  # None where a name is missing (or null)
    if len(stored) == len(names) and set(map(type, values)) <= {int, float}:
        vector = np.array(values, dtype=np.float64)
        if np.isfinite(vector).all():
            return Network.from_vector(spec, vector)
    checked = {name: params[name].float() for name in names}
    extra = [name for name in stored if not spec.has_parameter(name)]
    if extra:
        raise params.fail(f"names parameters the network does not have: {', '.join(sorted(extra))}")
    return Network.from_values(spec, checked)


def _state(st: Field, history: Field, stepper: Stepper, trainer: Trainer) -> SavedState:
    n = trainer.n_samples
    order = st["order"].ints(0, n - 1, MAX_SAMPLES)
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
    validation_history = history.get("validation_errors")
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
        iteration_errors=history["iteration_errors"].floats(MAX_HISTORY),
        epoch_errors=history["epoch_errors"].floats(MAX_HISTORY),
        done=st["step_done"].int(0, len(stepper.ops)),
        test_errors=test_history.floats(MAX_HISTORY) if test_history else np.zeros(0),
        validation_errors=(
            validation_history.floats(MAX_HISTORY) if validation_history else np.zeros(0)
        ),
    )


def _optimizer_state(field: Field, trainer: Trainer) -> dict[str, object]:
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
    document = _parse(_read_text(Path(path)))  # neither the bytes nor the text kept meanwhile
    return _from_document(document, resolve_data)


def _read_text(file: Path) -> str:
    try:
        info = os.stat(file)
        if not stat.S_ISREG(info.st_mode):
            kind = _NOT_A_FILE.get(stat.S_IFMT(info.st_mode), "a device")
            raise SessionError(f"{file.name} is not a bpdesk session file: it is {kind}.")
        with open(file, "rb") as handle:
            raw = _read_capped(handle, _reported_size(info))
    except OSError as error:
        raise SessionError(f"Cannot open {file.name}: {_reason(error)}.") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SessionError(
            f"{file.name} is larger than any bpdesk session "
            f"({MAX_FILE_BYTES / 1e6:.0f} MB at most)."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SessionError(f"{file.name} is not a bpdesk session file: it is not text.") from None


def _reported_size(info: os.stat_result) -> int:
    return max(0, info.st_size)


def _read_capped(handle: BinaryIO, reported: int) -> bytes:
    """The file's bytes, but never more than MAX_FILE_BYTES + 1 of them, whatever size it
    reports; read as big as it says it is, so a small file costs no buffer of the largest."""
    parts, total, want = [], 0, min(reported, MAX_FILE_BYTES) + 1
    while total <= MAX_FILE_BYTES:
        part = handle.read(min(want, MAX_FILE_BYTES + 1 - total))
        if not part:
            break
        parts.append(part)
        total, want = total + len(part), _CHUNK
    return parts[0] if len(parts) == 1 else b"".join(parts)
