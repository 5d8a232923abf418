"""Lesson files: every shipped lesson loads and plays, routes rebuild each slide exactly, and
hostile files are refused with one plain message naming the slide."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bpdesk.core.errors import SessionError
from bpdesk.core.stepping.stepper import Stepper
from bpdesk.core.stepping.steps import apply_command
from bpdesk.core.teaching.lesson import Lesson, Route, load_lesson
from bpdesk.resources import resource_path

LESSONS = sorted(resource_path("lessons").glob("*.json"))
FIGURES = Path(__file__).parents[2] / "reference" / "lecture_figures.json"
TECHNICAL = ("Error", "Traceback", "Exception", "errno", "KeyError", "JSONDecode", "dict")


def _figure(name: str) -> str:
    figures = json.loads(FIGURES.read_text(encoding="utf-8"))["figures"]
    return next(f["printed"] for f in figures if f["id"] == name)


def _state(stepper: Stepper) -> tuple[object, ...]:
    """What a slide's state is: weights, biases, settings, counters, step progress."""
    net = stepper.network
    return (
        [w.copy() for w in net.weights],
        [b.copy() for b in net.biases],
        stepper.trainer.config,
        stepper.trainer.iteration,
        stepper.trainer.epoch,
        stepper.done,
        stepper.next_phase,
    )


def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    weights = all(np.array_equal(x, y) for x, y in zip(a[0], b[0], strict=True))  # type: ignore[call-overload]
    biases = all(np.array_equal(x, y) for x, y in zip(a[1], b[1], strict=True))  # type: ignore[call-overload]
    return weights and biases and a[2:] == b[2:]


def _follow(stepper: Stepper | None, route: Route) -> Stepper:
    """Carry out ``route`` the way the window does."""
    if route.start is not None:
        stepper = route.start.build()
    assert stepper is not None
    if route.reset:
        stepper.reset()
    for command in route.commands:
        apply_command(stepper, command)
    return stepper


def test_there_is_a_lesson_for_every_part_of_the_lecture():
    titles = " ".join(load_lesson(p).title for p in LESSONS).lower()
    parts = ("worked example", "figures", "epoch, batch", "delta rule", "momentum", "minima")
    parts += ("overfitting", "levenberg", "trained network", "gradient descent")
    for part in parts:
        assert part in titles


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_shipped_lesson_loads_and_its_starts_build(path):
    lesson = load_lesson(path)
    lesson.check()
    assert lesson.slides and all(s.caption for s in lesson.slides)
    assert all(len(s.caption) <= 500 for s in lesson.slides)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_slide_reached_forward_and_back_is_the_slide_built_from_scratch(path):
    """Following the routes forward then back gives, at every slide, the state that
    :meth:`Lesson.play` builds from nothing (the weights bit for bit)."""
    lesson = load_lesson(path)
    stepper = _follow(None, Route(lesson.start(0), False, lesson.commands_to(0)))
    expected = [_state(lesson.play(k)) for k in range(len(lesson.slides))]
    assert _same(_state(stepper), expected[0])
    for k in range(1, len(lesson.slides)):
        stepper = _follow(stepper, lesson.route(k - 1, k))
        assert _same(_state(stepper), expected[k]), f"forward to slide {k + 1}"
    for k in range(len(lesson.slides) - 2, -1, -1):
        stepper = _follow(stepper, lesson.route(k + 1, k))
        assert _same(_state(stepper), expected[k]), f"back to slide {k + 1}"


def test_the_worked_example_lesson_reaches_the_lectures_numbers(lecture_reference):
    lesson = load_lesson(resource_path("lessons", "lecture.json"))
    error = lesson.play(2).trace()  # "The error"
    assert error.E_total == pytest.approx(lecture_reference["forward"]["E_total"], abs=1e-8)
    updated = lesson.play(5)  # "The update"
    for name, value in lecture_reference["updated_weights_after_one_step"].items():
        assert updated.network.get(name) == pytest.approx(value, abs=1e-8)
    assert lesson.play(6).trainer.iteration == 10_000


def test_the_figures_lesson_shows_the_printed_first_round_in_the_sequential_order():
    lesson = load_lesson(resource_path("lessons", "02-figures.json"))
    printed = _figure("error_after_first_round")
    simultaneous = lesson.play(1).trace().E_total
    sequential = lesson.play(2).trace().E_total
    assert f"{sequential:.9f}" == printed
    assert f"{simultaneous:.9f}" != printed
    assert lesson.play(2).trainer.config.update_order == "sequential"
    ten_thousand = lesson.play(3)  # opens the lecture again: the simultaneous order
    assert ten_thousand.trainer.config.update_order == "simultaneous"
    errors = ten_thousand.trainer.iteration_errors
    assert f"{errors.values(len(errors) - 1, len(errors))[0]:.10f}" == _figure("error_after_10000")


def test_settings_gather_since_the_last_open_and_an_open_clears_them():
    lesson = load_lesson(resource_path("lessons", "06-overfitting.json"))
    assert dict(lesson.start(2).settings) == {"weight_decay": 0.001}
    assert dict(lesson.start(3).settings) == {"weight_decay": 0.0, "patience": 20}
    assert lesson.route(3, 2).start is not None  # across fresh starts: opened again
    batches = load_lesson(resource_path("lessons", "03-batches.json"))
    assert batches.play(4).trainer.config.batch_size == 30
    assert batches.play(5).trainer.config.batch_size == 1000
    assert batches.route(2, 1) == Route(None, True, batches.commands_to(1))  # reset, replay


def test_the_batches_lesson_has_fifty_iterations_an_epoch():
    lesson = load_lesson(resource_path("lessons", "03-batches.json"))
    epoch = lesson.play(2).trainer
    assert (epoch.iteration, epoch.epoch) == (50, 1)  # 1000 samples / batches of 20


def test_a_view_is_shown_again_when_going_back():
    lesson = load_lesson(resource_path("lessons", "02-figures.json"))
    assert lesson.view(1) is None
    assert lesson.view(1, going_back=True) == "lecture_figures"


def _write(tmp_path: Path, document: object, name: str = "mine.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), "utf-8")
    return path


def _lesson(**slide: object) -> dict[str, object]:
    first = {"title": "Start", "caption": "The network."}
    return {"format": "bpdesk-lesson", "source": "xor", "slides": [first, slide]}


HOSTILE = {
    "bad JSON": ('{"format": "bpdesk-lesson", "slides": [', "line 1"),
    "not a lesson": ({"format": "bpdesk-session"}, "not a bpdesk lesson"),
    "unknown command": (_lesson(title="Fly", caption="x", do=["fly"]), "“fly” is not a step"),
    "bad setting": (_lesson(title="Fast", caption="x", set={"eta": -1}), "learning rate η"),
    "NaN setting": (_lesson(title="Fast", caption="x", set={"eta": float("nan")}), "η"),
    "unknown setting": (_lesson(title="S", caption="x", set={"speed": 2}), "“speed”"),
    "bad optimiser": (_lesson(title="S", caption="x", set={"optimizer": "magic"}), "optimiser"),
    "LM in order": (
        _lesson(title="S", caption="x", set={"optimizer": "lm", "update_order": "sequential"}),
        "Levenberg",
    ),
    "unknown view": (_lesson(title="V", caption="x", show="hologram"), "“hologram”"),
    "bad comparison": (_lesson(title="V", caption="x", show="comparison:speed"), "comparison"),
    "missing caption": (_lesson(title="Mute"), "caption is missing"),
    "empty caption": (_lesson(title="Mute", caption="  "), "caption is missing"),
    "long caption": (_lesson(title="Long", caption="word " * 200), "at most 500"),
    "misspelt field": (_lesson(title="T", captoin="x"), "“captoin”"),
    "bad run": (_lesson(title="R", caption="x", run={"iterations": 0}), "whole number"),
    "huge run": (_lesson(title="R", caption="x", run={"epochs": 10**12}), "whole number"),
    "unknown preset": (_lesson(title="O", caption="x", open="nowhere"), "“nowhere”"),
    "missing session": (_lesson(title="O", caption="x", open="gone.bpdesk"), "not there"),
    "no slides": ({"format": "bpdesk-lesson", "slides": []}, "no slides"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_lesson_gets_one_plain_message(tmp_path, case):
    document, words = HOSTILE[case]
    path = _write(tmp_path, document)
    with pytest.raises(SessionError) as caught:
        load_lesson(path)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and not any(t in message for t in TECHNICAL)
    if isinstance(document, dict) and len(document.get("slides", [])) == 2:  # type: ignore[arg-type]
        assert "slide 2" in message  # names the slide, as the counter counts


def test_settings_that_clash_across_slides_are_refused_naming_the_slide(tmp_path):
    document = _lesson(title="LM", caption="x", set={"optimizer": "lm"})
    document["slides"].append({"title": "Decay", "caption": "y", "set": {"weight_decay": 0.1}})  # type: ignore[attr-defined]
    lesson = load_lesson(_write(tmp_path, document))  # each slide is fine on its own…
    with pytest.raises(SessionError, match=r"slide 3 \(“Decay”\).*Levenberg"):
        lesson.check()  # …but LM has no weight decay


def test_a_lesson_may_open_a_session_file_next_to_it(tmp_path):
    from bpdesk.core.files import documents

    documents.save_session(tmp_path / "mine.bpdesk", documents.open_source("sine"))
    lesson = load_lesson(_write(tmp_path, _lesson(title="Own", caption="x", open="mine.bpdesk")))
    assert lesson.slides[1].open == str((tmp_path / "mine.bpdesk").resolve())
    assert lesson.play(1).network.spec.sizes == (1, 10, 1)


def test_views_given_by_the_window_are_the_ones_accepted(tmp_path):
    path = _write(tmp_path, _lesson(title="V", caption="x", show="descent"))
    assert load_lesson(path).slides[1].show == "descent"
    with pytest.raises(SessionError, match="“descent”"):
        load_lesson(path, views=["explain", "algorithm"])


def test_play_builds_a_state_without_touching_the_lesson():
    lesson = load_lesson(resource_path("lessons", "lecture.json"))
    assert isinstance(lesson, Lesson)
    first, again = lesson.play(3), lesson.play(3)
    assert _same(_state(first), _state(again))
