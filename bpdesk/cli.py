"""bpdesk-cli: the core without a window, for scripts, exports and tests (imports no Qt)."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from bpdesk._version import __version__
from bpdesk.allocator import keep_freed_memory
from bpdesk.core.engine.config import (
    BATCH_SIZE,
    EPOCHS,
    HIDDEN_LAYERS,
    ITERATIONS,
    LEARNING_RATE,
    MOMENTUM,
    NEURONS,
    PATIENCE,
    SEED,
    UPDATE_ORDERS,
    WEIGHT_DECAY,
    Setting,
    check_split_size,
)
from bpdesk.core.engine.gradcheck import gradient_check
from bpdesk.core.engine.optimizers import OPTIMIZERS
from bpdesk.core.errors import BpdeskError
from bpdesk.core.files.csv_import import read_csv
from bpdesk.core.files.documents import open_source, save_session, with_data
from bpdesk.core.files.splits import generalisation_summary, with_split
from bpdesk.core.formatting import format_value
from bpdesk.core.plain_words import internal_reason, os_error_words
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.teaching.after_updates import after_words, before_words
from bpdesk.core.teaching.export import FORMATS, render
from bpdesk.core.teaching.worked_example import worked_example

__all__ = ["main"]


class UsageError(Exception):
    """Bad command-line input: reported as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _json_number(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _dump(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)


def _source(args: argparse.Namespace) -> Stepper:
    if args.session and args.preset:
        raise UsageError("give either --preset or --session, not both")
    return open_source(args.session or args.preset or "lecture")


# ------------------------------------------------------------------ trace
def _cmd_trace(args: argparse.Namespace) -> int:
    stepper = _source(args)
    if args.update_order:
        stepper.set_config(replace(stepper.trainer.config, update_order=args.update_order))
    trace = stepper.full_step()
    if args.json:
        values = {k: _json_number(x) for k, x in trace.named_values().items()}
        print(
            _dump(
                {
                    **values,
                    "step": {
                        "update_order": trace.update_order,
                        "eta": trace.eta,
                        "momentum": trace.momentum,
                        "optimizer": trace.optimizer,
                        "batch": [int(i) for i in trace.batch],
                        "parameters": list(trace.spec.parameter_names),
                    },
                }
            )
        )
    else:
        print(render(worked_example(trace, _title(stepper)), "text"), end="")
    return 0


def _title(stepper: Stepper) -> str:
    return str(stepper.meta.get("title") or "Backpropagation: one worked step")


# ----------------------------------------------------------------- export
def _cmd_export(args: argparse.Namespace) -> int:
    stepper = _source(args)
    if args.randomize is not None:
        rng = np.random.default_rng(args.randomize)
        for name in stepper.network.spec.parameter_names:
            stepper.set_parameter(name, float(np.round(rng.uniform(-1.0, 1.0), 2)))
    trace = stepper.full_step()
    title = _title(stepper) + (" (exercise)" if args.exercise else "")
    text = render(worked_example(trace, title), args.format, exercise=args.exercise)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        print(text, end="")
    return 0


# ------------------------------------------------------------------ train
def _cmd_train(args: argparse.Namespace) -> int:
    if args.steps is not None and args.epochs is not None:
        raise UsageError("give either --steps or --epochs, not both")
    stepper = _source(args)
    if args.data:
        stepper = _with_csv(stepper, args)
    elif args.inputs or args.targets or args.class_column:
        raise UsageError("--inputs, --targets and --class-column go with --data FILE.csv")
    if (args.validation, args.test, args.split_seed) != (None, None, None):
        stepper = with_split(stepper, args.validation, args.test, args.split_seed)
    trainer = stepper.trainer
    changes: dict[str, Any] = {}
    options = ("eta", "momentum", "batch_size", "update_order", "optimizer", "seed")
    for option in (*options, "weight_decay", "patience"):
        value = getattr(args, option)
        if value is not None:
            changes[option] = value
    if changes:
        stepper.set_config(replace(trainer.config, **changes))
    if args.steps is None and args.epochs is None and args.target_error is None:
        args.epochs = 1
    result = trainer.run(iterations=args.steps, epochs=args.epochs, target_error=args.target_error)
    if args.save:
        save_session(args.save, stepper)
    error = trainer.evaluate()
    outputs = trainer.network.predict(trainer.inputs)
    report = {
        "error": _json_number(error),
        "outputs": [[_json_number(float(x)) for x in row] for row in outputs],
        "targets": trainer.targets.tolist(),
        "parameters": {k: _json_number(x) for k, x in trainer.network.values().items()},
        "iterations": trainer.iteration,
        "epochs": trainer.epoch,
        "stopped": result.stopped,
        "diverged": result.diverged,
        "early_stopped": result.early_stopped,
        **generalisation_summary(trainer),
    }
    if args.json:
        print(_dump(report))
        return 0
    print(f"Stopped: {result.stopped}")
    print(f"Iterations: {trainer.iteration} ({trainer.epoch} epochs)")
    print(f"{after_words(trainer.iteration)}, over the whole training set: {format_value(error)}")
    if trainer.iteration:
        last = trainer.iteration_errors.last()
        print(f"{before_words(trainer.iteration)}: {format_value(last)}")
    for part in ("validation", "test"):
        if report[f"{part}_error"] is not None:
            print(f"Error over the {part} set: {format_value(report[f'{part}_error'])}")
    if report["best_epoch"] is not None:
        print(f"Best epoch (lowest {report['best_on']} error): {report['best_epoch']}")
    print("Outputs (target → out):")
    for target, out in zip(trainer.targets[:20], outputs[:20], strict=False):
        pairs = ", ".join(
            f"{format_value(t)} → {format_value(o)}" for t, o in zip(target, out, strict=True)
        )
        print(f"  {pairs}")
    if trainer.n_samples > 20:
        print(f"  … and {trainer.n_samples - 20} more")
    print("Parameters:")
    for name, value in trainer.network.values().items():
        print(f"  {name} = {format_value(value)}")
    return 0


def _columns(text: str) -> list[str | int]:
    return [int(c) if c.strip().isdigit() else c.strip() for c in text.split(",") if c.strip()]


def _with_csv(stepper: Stepper, args: argparse.Namespace) -> Stepper:
    if not args.inputs:
        raise UsageError("--data needs --inputs (column names or numbers, comma-separated)")
    if bool(args.targets) == bool(args.class_column):
        raise UsageError("--data needs either --targets or --class-column")
    hidden = _hidden_sizes(args.hidden) if args.hidden else None
    class_column = None
    if args.class_column:
        class_column = _columns(args.class_column)[0]
    dataset = read_csv(
        args.data,
        inputs=_columns(args.inputs),
        targets=_columns(args.targets) if args.targets else (),
        class_column=class_column,
        scaling=args.scaling,
    )
    return with_data(stepper, dataset, hidden=hidden)


def _hidden_sizes(text: str) -> list[int]:
    """The sizes in ``--hidden 8,8``, each and their number checked by the core's rules."""
    sizes = []
    for word in text.split(","):
        try:
            size = int(word.strip())
        except ValueError:
            raise UsageError(
                f"--hidden takes whole numbers separated by commas, not {text!r}"
            ) from None
        reason = NEURONS.check(size)
        if reason is not None:
            raise UsageError(f"--hidden: {reason}")
        sizes.append(size)
    reason = HIDDEN_LAYERS.check(len(sizes))
    if reason is not None:
        raise UsageError(f"--hidden: {reason}")
    return sizes


# The options that set a training setting, and the core's rule for each.
OPTION_SETTINGS: dict[str, Setting] = {
    "eta": LEARNING_RATE,
    "momentum": MOMENTUM,
    "batch_size": BATCH_SIZE,
    "seed": SEED,
    "epochs": EPOCHS,
    "steps": ITERATIONS,
    "weight_decay": WEIGHT_DECAY,
    "patience": PATIENCE,
}


def check_options(args: argparse.Namespace) -> None:
    """Refuse (UsageError) an option value the core's rule for its setting refuses."""
    for option, setting in OPTION_SETTINGS.items():
        value = getattr(args, option, None)
        if value is not None:
            reason = setting.check(value)
            if reason is not None:
                raise UsageError(f"--{option.replace('_', '-')}: {reason}")
    for part in ("validation", "test"):
        value = getattr(args, part, None)
        reason = None if value is None else check_split_size(value, part)
        if reason is not None:
            raise UsageError(f"--{part}: {reason}")


# ---------------------------------------------------------------- lecture
def _cmd_lecture(args: argparse.Namespace) -> int:
    """Every figure the lecture prints, set against bpdesk's (see core/teaching/reconcile.py)."""
    from bpdesk.core.teaching.reconcile import reconcile
    from bpdesk.core.teaching.reconcile_words import text_table

    result = reconcile()
    print(_dump(result.as_json()) if args.json else text_table(result).rstrip("\n"))
    return 0


# --------------------------------------------------------------- validate
def _cmd_validate(args: argparse.Namespace) -> int:
    stepper = open_source(args.file if args.file.endswith(".bpdesk") else Path(args.file))
    spec = stepper.network.spec
    trainer = stepper.trainer
    print(
        f"{args.file}: a valid bpdesk session — network "
        + "-".join(str(s) for s in spec.sizes)
        + f", {trainer.n_samples} samples ({stepper.meta.get('dataset_name', 'data')}), "
        f"iteration {trainer.iteration}, next: {stepper.next_phase} pass"
    )
    return 0


# -------------------------------------------------------------- gradcheck
def _cmd_gradcheck(args: argparse.Namespace) -> int:
    stepper = _source(args)
    trainer = stepper.trainer
    x, t = trainer.current_batch()
    check = gradient_check(trainer.network, x, t, weight_decay=trainer.config.weight_decay)
    if args.json:
        print(
            _dump(
                {
                    "worst_relative_error": check.worst,
                    "parameters": {
                        name: {"analytic": a, "numeric": n, "relative_error": r}
                        for name, a, n, r in check.rows()
                    },
                }
            )
        )
        return 0
    print(f"{'parameter':>10}  {'backprop ∂E/∂θ':>18}  {'finite difference':>18}  relative error")
    for name, a, n, r in check.rows():
        print(f"{name:>10}  {a:>18.10e}  {n:>18.10e}  {r:.2e}")
    print(f"Worst relative error: {check.worst:.2e}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bpdesk-cli", description="bpdesk without a window.")
    parser.add_argument("--version", action="version", version=f"bpdesk {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show the full details of a fault (anywhere)"
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def source(p: argparse.ArgumentParser) -> None:
        p.add_argument("--preset", help="a built-in preset: lecture, xor, …")
        p.add_argument("--session", help="a .bpdesk session file")
        p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("trace", help="print one full training step, every figure")
    source(p)
    p.add_argument("--update-order", choices=UPDATE_ORDERS)

    p = sub.add_parser("train", help="train and print the result")
    source(p)
    p.add_argument("--steps", type=int, help="iterations (batches) to train")
    p.add_argument("--epochs", type=int, help="epochs to train")
    p.add_argument("--target-error", type=float, help="stop when an epoch's error is this low")
    p.add_argument("--eta", type=float, help="learning rate η")
    p.add_argument("--momentum", type=float, help="momentum α")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--update-order", choices=UPDATE_ORDERS)
    p.add_argument("--optimizer", choices=list(OPTIMIZERS))
    p.add_argument("--seed", type=int)
    p.add_argument("--data", help="train on a CSV file (with a header row)")
    p.add_argument("--inputs", help="input columns: names or numbers, comma-separated")
    p.add_argument("--targets", help="target columns: names or numbers, comma-separated")
    p.add_argument("--class-column", help="one column of class labels, one-hot encoded")
    p.add_argument("--scaling", choices=["none", "minmax", "standard"], default="none")
    p.add_argument("--hidden", help="hidden layer sizes for --data, e.g. 8,8")
    p.add_argument("--save", help="save the trained session to this .bpdesk file")
    p.add_argument("--validation", type=float, help="validation part: a fraction or a count")
    p.add_argument("--test", type=float, help="test part: a fraction or a count")
    p.add_argument("--split-seed", type=int, help="the seed that cuts the parts")
    p.add_argument("--weight-decay", type=float, help="L2 weight decay λ (weights only)")
    p.add_argument("--patience", type=int, help="stop after this many epochs w/o improvement")

    p = sub.add_parser("lecture", help="the lecture's printed figures against bpdesk's")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("validate", help="check a .bpdesk session file")
    p.add_argument("file")

    p = sub.add_parser("export", help="the worked example of a step as a handout")
    source(p)
    p.add_argument("--format", choices=[f for f in FORMATS if f != "text"], default="markdown")
    p.add_argument("--exercise", action="store_true", help="blank the answers; add a key")
    p.add_argument(
        "--randomize",
        type=int,
        metavar="SEED",
        help="fresh random weights (two decimals) for a new exercise",
    )
    p.add_argument("--output", help="write to this file instead of standard output")

    p = sub.add_parser("gradcheck", help="backprop gradients against finite differences")
    source(p)
    return parser


# The subcommands and the function that runs each.
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "trace": _cmd_trace,
    "train": _cmd_train,
    "lecture": _cmd_lecture,
    "validate": _cmd_validate,
    "export": _cmd_export,
    "gradcheck": _cmd_gradcheck,
}
DEBUG = "--debug"


def _complain(text: str) -> None:
    print(text if text.startswith("bpdesk-cli") else f"bpdesk-cli: {text}", file=sys.stderr)


def _os_error_line(error: OSError) -> str:
    """One line for a file the system refused: which file, and why in words."""
    name = f"{error.filename}: " if error.filename else ""
    return f"{name}{os_error_words(error)}."


def _silence_stdout() -> None:
    """The reader went away (e.g. `| head`): no more output, not even at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    check_options(args)
    with np.errstate(all="ignore"):
        code = int(COMMANDS[args.command](args))
    sys.stdout.flush()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run bpdesk-cli: the one handler of every failure.

    0 on success; 2 on bad input (options, files, sessions, data: one plain line on stderr);
    1 for a fault inside bpdesk (one line asking to report it; the traceback only with
    ``--debug``, accepted anywhere on the line); 1, quietly, when the reader of the output
    went away.
    """
    keep_freed_memory()
    words = list(sys.argv[1:] if argv is None else argv)
    debug = DEBUG in words
    try:
        return _run([word for word in words if word != DEBUG])
    except BrokenPipeError:
        _silence_stdout()
        return 1
    except (UsageError, BpdeskError) as error:
        _complain(str(error))
        return 2
    except OSError as error:
        _complain(_os_error_line(error))
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if debug:
            traceback.print_exc()
        _complain(
            f"something went wrong inside bpdesk ({internal_reason(error)}); please report it. "
            f"Run again with {DEBUG} for the details."
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
