"""The practice panel: the student computes a number of the step, types it and has it checked."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.engine.network import NetworkSpec
from bpdesk.core.errors import BpdeskError
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.steps import PHASE_BUTTONS, PHASES
from bpdesk.core.teaching.derivation import DARK, LIGHT, Derivation, Line, Seg, derive
from bpdesk.core.teaching.practice import Judgement, judge

__all__ = ["PracticePanel", "Quantity", "quantities"]

PHASE_TITLES = {
    "forward": "Forward pass (press Forward)",
    "backward": "Backward pass (press Backward)",
    "update": "Update (press Update)",
}
PHASE_WORDS = {"forward": "forward pass", "backward": "backward pass", "update": "update"}
HOME_TASK = "w8+"  # the lecture's exercise: the new value of w8 after one step
NEXT_TERM = "?"  # stands for the terms of an equation not revealed yet
BASE_POINT_SIZE = 13.0
MIN_SCALE, MAX_SCALE = 0.75, 2.5
RUNNING_INTERVAL = 0.25  # seconds between redraws while training runs
EMPTY_TEXT = "Open a lesson to practise its numbers."
NAME_ROLE = Qt.ItemDataRole.UserRole + 1

# Verdict badges: a word and a symbol as well as a colour (background, text).
VERDICTS = {
    "right": ("✓ Right", "#1b6e34", "#ffffff"),
    "close": ("≈ Close", "#8a5300", "#ffffff"),
    "wrong": ("✗ Wrong", "#a8141f", "#ffffff"),
    "missing": ("… Not yet", "#3f4a5a", "#ffffff"),
    "revealed": ("Shown", "#1f4f99", "#ffffff"),
}


@dataclass(frozen=True)
class Quantity:
    """One number of the step a student can compute."""

    name: str  # its name among the trace's named values: "w8+", "dE_total/dw8", "net_h1"
    symbol: str  # as the lecture writes it: "w8+", "∂E_total/∂w8", "δ_o1"
    label: str  # what the chooser lists
    phase: str  # the pass that computes it: forward, backward or update
    kind: str  # what derive() explains: neuron, weight or bias
    element: str  # the neuron, weight or bias derive() explains
    home_task: bool = False  # the lecture's exercise


def quantities(spec: NetworkSpec, *, biases: bool, lecture: bool) -> list[Quantity]:
    """Every quantity of a step of ``spec``, phase by phase in the lecture's order."""
    out: list[Quantity] = []
    levels = range(1, spec.n_layers + 1)
    outputs = spec.neuron_names(spec.n_layers)
    for level in levels:
        for n in spec.neuron_names(level):
            out.append(
                Quantity(f"net_{n}", f"net_{n}", f"net input of {n}", "forward", "neuron", n)
            )
            out.append(Quantity(f"out_{n}", f"out_{n}", f"output of {n}", "forward", "neuron", n))
    for n in outputs:
        out.append(Quantity(f"E_{n}", f"E_{n}", f"error at {n}", "forward", "neuron", n))
    out.append(Quantity("E_total", "E_total", "total error", "forward", "neuron", outputs[0]))
    refs = [spec.ref(p) for p in spec.parameter_names]
    params = [r for r in refs if r.kind == "w" or biases]
    for level in reversed(levels):
        for n in spec.neuron_names(level):
            label = f"delta of {n}, ∂E_total/∂net_{n}"
            out.append(Quantity(f"dE_total/dnet_{n}", f"δ_{n}", label, "backward", "neuron", n))
        for r in (r for r in params if r.layer == level - 1):
            kind, word = ("weight", "") if r.kind == "w" else ("bias", "bias ")
            gradient = f"gradient for {word}{r.name}"
            out.append(
                Quantity(
                    f"dE_total/d{r.name}", f"∂E_total/∂{r.name}", gradient, "backward", kind, r.name
                )
            )
    for r in sorted(params, key=lambda r: r.kind == "b"):
        kind = "weight" if r.kind == "w" else "bias"
        task = lecture and f"{r.name}+" == HOME_TASK
        new = f"{r.name}+"
        out.append(Quantity(new, new, f"new {kind} {r.name}", "update", kind, r.name, task))
    return out


def _changed(before: float, after: float) -> bool:
    """Did a value change other than by being computed (a new step, or a step undone)?"""
    return not math.isnan(before) and not (after == before)


def _line_phase(line: Line) -> str:
    """The pass that computes the line's result (its latest number)."""
    phases = {s.phase for part in (line.segs, *line.rhs) for s in part if s.kind == "num"}
    known = [p for p in PHASES if p in phases]
    return known[-1] if known else "forward"


def _steps(derivation: Derivation, q: Quantity) -> list[tuple[int, int]]:
    """The reveal order: (line index, right-hand sides shown) after each press, for the lines
    that lead to ``q`` (headings come with the first line under them)."""
    lines = derivation.lines
    keep = list(range(len(lines)))
    if q.kind == "neuron":
        matches = (
            i for i, ln in enumerate(lines) if ln.kind == "equation" and _plain_lhs(ln) == q.symbol
        )
        target = next(matches, None)
        if target is not None:
            first = 0
            if q.phase != "forward":  # a δ needs only its own section
                first = max((i for i in range(target) if lines[i].kind == "heading"), default=0)
            keep = [i for i in range(first, target + 1)]
            keep = [i for i in range(len(lines)) if lines[i].kind == "note" and i < first] + keep
    else:
        last = PHASES.index(q.phase)
        keep = [
            i
            for i in keep
            if lines[i].kind != "equation" or PHASES.index(_line_phase(lines[i])) <= last
        ]
    steps: list[tuple[int, int]] = []
    for i in keep:
        line = lines[i]
        if line.kind == "note":
            steps.append((i, 0))
        elif line.kind == "equation":
            steps += [(i, k) for k in range(1, max(len(line.rhs), 1) + 1)]
    return steps


def _plain_lhs(line: Line) -> str:
    return "".join(s.plain() for s in line.segs)


def _partial(derivation: Derivation, steps: list[tuple[int, int]]) -> Derivation:
    """The derivation cut down to what ``steps`` reveal."""
    shown: dict[int, int] = {}
    for i, k in steps:
        shown[i] = max(shown.get(i, 0), k)
    lines: list[Line] = []
    pending_heading: Line | None = None
    for i, line in enumerate(derivation.lines):
        if line.kind == "heading":
            pending_heading = line
            continue
        if i not in shown:
            continue
        if pending_heading is not None:
            lines.append(pending_heading)
            pending_heading = None
        if line.kind == "equation":
            k = shown[i]
            if k >= len(line.rhs):
                line = Line("equation", line.segs, line.rhs, line.note)
            else:  # "= ?": there is more to work out
                line = Line("equation", line.segs, (*line.rhs[:k], (Seg("sym", NEXT_TERM),)))
        lines.append(line)
    return Derivation(
        derivation.kind, derivation.name, derivation.header, tuple(lines), derivation.diverged
    )


class PracticePanel(QWidget):
    """Choose a quantity, type its value, check it; reveal its derivation term by term.

    Signals: ``quiz_mode_changed(bool)`` when the quiz box is ticked or cleared, and
    ``revealed(name)`` for each quantity answered right or revealed in full.
    """

    quiz_mode_changed = Signal(bool)
    revealed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._snapshot: Snapshot | None = None
        self._quantities: dict[str, Quantity] = {}
        self._key: tuple[object, ...] | None = None
        self._chosen = HOME_TASK
        self._step_key: tuple[object, ...] | None = None
        self._seen_value = math.nan  # the chosen quantity's value in the last snapshot
        self._shown_steps = 0
        self._feedback = ""
        self._verdict = ""
        self._scale = 1.0
        self._last_render = -math.inf
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._take_snapshot)
        self._build()
        self._apply_fonts()
        self._render_derivation()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self._title = QLabel("Practice: compute it yourself")
        self._quiz = QCheckBox("Quiz mode")
        self._quiz.setToolTip(
            "Hide the numbers of the next pass on the network until you answer or reveal them."
        )
        self._quiz.toggled.connect(self._quiz_toggled)
        top = QHBoxLayout()
        top.addWidget(self._title, 1)
        top.addWidget(self._quiz)

        self._model = QStandardItemModel(self)
        self._combo = QComboBox()
        self._combo.setObjectName("practice_quantity")
        self._combo.setModel(self._model)
        self._combo.setEditable(True)
        self._combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._combo.setMaxVisibleItems(20)
        self._search = QLineEdit()
        self._search.setPlaceholderText("type to search, e.g. w8 or out_h1")
        self._combo.setLineEdit(self._search)
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated.connect(self._completion_chosen)
        self._combo.setCompleter(completer)
        self._combo.activated.connect(self._combo_chosen)
        self._search.editingFinished.connect(self._search_finished)
        pick = QHBoxLayout()
        self._pick_label = QLabel("Quantity:")
        pick.addWidget(self._pick_label)
        pick.addWidget(self._combo, 1)

        self._task = QLabel()
        self._task.setWordWrap(True)

        self._answer = QLineEdit()
        self._answer.setObjectName("practice_answer")
        self._answer.setPlaceholderText("your value, e.g. 0.5614")
        self._answer.returnPressed.connect(self._check_pressed)
        self._check = QPushButton("Check")
        self._check.setDefault(True)
        self._check.clicked.connect(self._check_pressed)
        answer_row = QHBoxLayout()
        self._answer_label = QLabel("Your answer:")
        answer_row.addWidget(self._answer_label)
        answer_row.addWidget(self._answer, 1)
        answer_row.addWidget(self._check)

        self._badge = QLabel()
        self._badge.setObjectName("practice_verdict")
        self._badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message = QLabel()
        self._message.setObjectName("practice_feedback")
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._feedback_frame = QFrame()
        self._feedback_frame.setFrameShape(QFrame.Shape.StyledPanel)
        feedback = QHBoxLayout(self._feedback_frame)
        feedback.setContentsMargins(6, 6, 6, 6)
        feedback.addWidget(self._badge)
        feedback.addWidget(self._message, 1)

        self._next = QPushButton("Show next term")
        self._next.clicked.connect(self._next_pressed)
        self._all = QPushButton("Show all")
        self._all.clicked.connect(self._all_pressed)
        self._progress = QLabel()
        reveal_row = QHBoxLayout()
        reveal_row.addWidget(self._next)
        reveal_row.addWidget(self._all)
        reveal_row.addWidget(self._progress, 1)

        self._body = QTextBrowser()
        self._body.setObjectName("practice_derivation")
        self._body.setOpenLinks(False)
        self._body.document().setDocumentMargin(6)
        self._follow = False  # scroll to the newest term once the document is laid out
        self._scroll_timer = QTimer(self)
        self._scroll_timer.setSingleShot(True)
        self._scroll_timer.setInterval(0)
        self._scroll_timer.timeout.connect(self._scroll_to_end)
        self._body.verticalScrollBar().rangeChanged.connect(self._schedule_scroll)
        self._body.verticalScrollBar().sliderPressed.connect(self._stop_following)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addLayout(pick)
        layout.addWidget(self._task)
        layout.addLayout(answer_row)
        layout.addWidget(self._feedback_frame)
        layout.addLayout(reveal_row)
        layout.addWidget(self._body, 1)
        self._set_verdict("", "")

    # ------------------------------------------------------------ public API
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Take the step's numbers; a new step clears the answer's verdict and the reveal.
        While training runs, a few times a second."""
        self._snapshot = snapshot
        waited = time.monotonic() - self._last_render
        if snapshot.running and waited < RUNNING_INTERVAL:
            if not self._timer.isActive():
                self._timer.start(int((RUNNING_INTERVAL - waited) * 1000) + 1)
            return
        self._take_snapshot()

    @Slot()
    def _take_snapshot(self) -> None:
        self._timer.stop()
        self._last_render = time.monotonic()
        snapshot = self._snapshot
        if snapshot is None:
            return
        lecture = "lecture" in snapshot.dataset_name.lower() and snapshot.spec.sizes == (2, 2, 2)
        key = (snapshot.spec, snapshot.config.train_biases, lecture)
        if key != self._key:
            self._key = key
            self._fill_chooser(
                quantities(snapshot.spec, biases=snapshot.config.train_biases, lecture=lecture)
            )
            if self._chosen not in self._quantities:
                self._chosen = HOME_TASK if HOME_TASK in self._quantities else self._first()
        self._select_in_combo(self._chosen)
        step_key = (snapshot.spec, snapshot.iteration, snapshot.epoch)
        value = self._true_value()
        if step_key != self._step_key or _changed(self._seen_value, value):
            self._reset_attempt()
        elif self._verdict == "missing" and not math.isnan(value):
            self._set_verdict("", "")
        self._step_key = step_key
        self._seen_value = value
        self._update_task()
        self._render_derivation()

    def choose(self, quantity: str) -> None:
        """Practise ``quantity`` (a name such as "w8+", "dE_total/dw5" or "net_h1")."""
        if self._quantities and quantity not in self._quantities:
            raise ValueError(f"This network has no quantity called '{quantity}'.")
        if quantity == self._chosen and self._quantities:
            return
        self._chosen = quantity
        self._seen_value = self._true_value()
        self._select_in_combo(quantity)
        self._reset_attempt()
        self._update_task()
        self._render_derivation()

    def chosen(self) -> str:
        return self._chosen

    def answer(self, text: str) -> Judgement:
        """Check ``text`` as the value of the chosen quantity (what Check does)."""
        if self._answer.text() != text:
            self._answer.setText(text)
        q = self._quantities.get(self._chosen)
        if self._snapshot is None or q is None:
            verdict = Judgement(False, 0, EMPTY_TEXT)
            self._set_verdict("missing", verdict.message)
            return verdict
        value = self._true_value()
        if math.isnan(value):
            hint = self._missing_hint(q)
            if hint:
                verdict = Judgement(False, 0, hint)
                self._set_verdict("missing", hint)
                return verdict
        verdict = judge(q.symbol, text, value)
        if verdict.correct:
            self._set_verdict("right", verdict.message)
            self.revealed.emit(q.name)
        elif verdict.decimals_matched >= 2:
            self._set_verdict("close", verdict.message)
        elif math.isnan(value):
            self._set_verdict("missing", verdict.message)
        else:
            self._set_verdict("wrong", verdict.message)
        return verdict

    def reveal_next_term(self) -> str:
        """Show one more line or term of the chosen quantity's derivation; returns what is shown."""
        steps = self._all_steps()
        if steps is None:
            return self.derivation_text()
        if self._shown_steps < len(steps[1]):
            self._shown_steps += 1
            if self._shown_steps == len(steps[1]):
                self._fully_revealed()
        self._render_derivation()
        return self.derivation_text()

    def reveal_all(self) -> str:
        steps = self._all_steps()
        if steps is not None and self._shown_steps < len(steps[1]):
            self._shown_steps = len(steps[1])
            self._fully_revealed()
            self._render_derivation()
        return self.derivation_text()

    def derivation_text(self) -> str:
        """The revealed part of the derivation as plain text ("" when nothing is shown)."""
        partial = self._partial()
        return partial.to_text() if partial is not None and partial.lines else ""

    def feedback_text(self) -> str:
        """The verdict in words, e.g. "✓ Right — Right: w8+ = 0.561370121."."""
        if not self._verdict:
            return ""
        return f"{VERDICTS[self._verdict][0]} — {self._feedback}"

    def quiz_mode(self) -> bool:
        return self._quiz.isChecked()

    def set_quiz_mode(self, on: bool) -> None:
        self._quiz.setChecked(bool(on))

    def set_font_scale(self, scale: float) -> None:
        """1.0 for a screen, up to 2.5 for a projector."""
        scale = min(MAX_SCALE, max(MIN_SCALE, float(scale)))
        if scale == self._scale:
            return
        self._scale = scale
        self._apply_fonts()
        self._render_derivation()

    def font_scale(self) -> float:
        return self._scale

    # ------------------------------------------------------------ slots
    @Slot(bool)
    def _quiz_toggled(self, on: bool) -> None:
        self.quiz_mode_changed.emit(on)

    @Slot()
    def _check_pressed(self) -> None:
        self.answer(self._answer.text())

    @Slot()
    def _next_pressed(self) -> None:
        self.reveal_next_term()

    @Slot()
    def _all_pressed(self) -> None:
        self.reveal_all()

    @Slot()
    def _stop_following(self) -> None:
        self._follow = False

    @Slot(int)
    def _combo_chosen(self, index: int) -> None:
        name = self._combo.itemData(index, NAME_ROLE)
        if isinstance(name, str):
            self.choose(name)

    @Slot(str)
    def _completion_chosen(self, text: str) -> None:
        name = self._resolve(text)
        if name is not None:
            self.choose(name)
            self._select_in_combo(name)

    @Slot()
    def _search_finished(self) -> None:
        name = self._resolve(self._combo.currentText())
        if name is not None:
            self.choose(name)
        self._select_in_combo(self._chosen)

    # ------------------------------------------------------------ chooser
    def _fill_chooser(self, items: list[Quantity]) -> None:
        self._quantities = {q.name: q for q in items}
        self._combo.blockSignals(True)
        self._model.clear()
        phase = ""
        bold = QFont(self._combo.font())
        bold.setBold(True)
        for q in items:
            if q.phase != phase:
                phase = q.phase
                header = QStandardItem(PHASE_TITLES[phase])
                header.setFlags(Qt.ItemFlag.NoItemFlags)
                header.setFont(bold)
                self._model.appendRow(header)
            item = QStandardItem(self._label(q))
            item.setData(q.name, NAME_ROLE)
            self._model.appendRow(item)
        self._combo.blockSignals(False)
        self._completions.setStringList([self._label(q) for q in items])

    @staticmethod
    def _label(q: Quantity) -> str:
        return f"{q.symbol} — {q.label}" + (" (home task)" if q.home_task else "")

    def _first(self) -> str:
        return next(iter(self._quantities), HOME_TASK)

    def _select_in_combo(self, name: str) -> None:
        for row in range(self._model.rowCount()):
            if self._model.item(row).data(NAME_ROLE) == name:
                self._combo.blockSignals(True)
                self._combo.setCurrentIndex(row)
                self._combo.blockSignals(False)
                return

    def _resolve(self, text: str) -> str | None:
        """The quantity a typed search means: a label, a name or symbol, or one unique match."""
        text = text.strip()
        if not text:
            return None
        for q in self._quantities.values():
            if text in (self._label(q), q.name, q.symbol):
                return q.name
        found = [
            q.name for q in self._quantities.values() if text.lower() in self._label(q).lower()
        ]
        return found[0] if len(found) == 1 else None

    # ------------------------------------------------------------ judging
    def _true_value(self) -> float:
        if self._snapshot is None:
            return math.nan
        return float(self._snapshot.trace.named_values().get(self._chosen, math.nan))

    def _missing_hint(self, q: Quantity) -> str:
        """The buttons to press first, e.g. "Press Update first: w8+ is computed in the update."
        ("" when no button would compute it)."""
        snapshot = self._snapshot
        if snapshot is None or snapshot.trace.diverged:
            return ""
        start = PHASES.index(snapshot.phase) if snapshot.phase in PHASES else 0
        end = PHASES.index(q.phase)
        if start > end:
            return ""
        buttons = ", then ".join(PHASE_BUTTONS[p] for p in PHASES[start : end + 1])
        return f"Press {buttons} first: {q.symbol} is computed in the {PHASE_WORDS[q.phase]}."

    def _reset_attempt(self) -> None:
        self._shown_steps = 0
        self._set_verdict("", "")
        self._answer.clear()

    def _set_verdict(self, verdict: str, message: str) -> None:
        self._verdict = verdict
        self._feedback = message
        if not verdict:
            self._badge.setText("")
            self._badge.setStyleSheet("")
            self._badge.setVisible(False)
            self._message.setText("Type your value and press Check (or Enter).")
            return
        word, background, colour = VERDICTS[verdict]
        for prefix in ("Right: ", "Not right: "):  # the badge already says so
            if message.startswith(prefix):
                message = message[len(prefix) :]
                self._feedback = message
        self._badge.setVisible(True)
        self._badge.setText(word)
        self._badge.setStyleSheet(
            f"background:{background}; color:{colour}; border-radius:4px; padding:4px 10px;"
        )
        self._message.setText(self._feedback)

    def _update_task(self) -> None:
        q = self._quantities.get(self._chosen)
        if q is None:
            self._task.setText(EMPTY_TEXT)
            return
        lead = "Home task: compute" if q.home_task else "Compute"
        self._task.setText(
            f"{lead} {q.symbol}, the {q.label}; the app computes it in the "
            f"{PHASE_WORDS[q.phase]}. Type as many decimals as you have (the app shows 9)."
        )

    # ------------------------------------------------------------ revealing
    def _derivation(self) -> Derivation | None:
        q = self._quantities.get(self._chosen)
        if self._snapshot is None or q is None:
            return None
        try:
            return derive(self._snapshot.trace, q.kind, q.element)
        except BpdeskError:
            return None

    def _all_steps(self) -> tuple[Derivation, list[tuple[int, int]]] | None:
        derivation = self._derivation()
        q = self._quantities.get(self._chosen)
        if derivation is None or q is None:
            return None
        return derivation, _steps(derivation, q)

    def _partial(self) -> Derivation | None:
        steps = self._all_steps()
        if steps is None:
            return None
        derivation, order = steps
        return _partial(derivation, order[: self._shown_steps])

    def _fully_revealed(self) -> None:
        q = self._quantities.get(self._chosen)
        if q is None:
            return
        value = self._true_value()
        if self._verdict != "right" and not math.isnan(value):
            self._set_verdict("revealed", f"{q.symbol} = {format_value(value)} (shown, not typed).")
        self.revealed.emit(q.name)

    def _render_derivation(self) -> None:
        steps = self._all_steps()
        total = len(steps[1]) if steps is not None else 0
        self._shown_steps = min(self._shown_steps, total)
        self._next.setEnabled(self._shown_steps < total)
        self._all.setEnabled(self._shown_steps < total)
        if steps is None:
            self._progress.setText("")
            self._body.setPlainText(EMPTY_TEXT)
            return
        self._progress.setText(f"{self._shown_steps} of {total} terms shown")
        if self._shown_steps == 0:
            self._body.setPlainText(
                "Stuck? “Show next term” reveals the working one line or term at a time."
            )
            return
        partial = _partial(steps[0], steps[1][: self._shown_steps])
        base = self._body.palette().color(QPalette.ColorRole.Base)
        colours = DARK if base.lightness() < 128 else LIGHT
        self._follow = True
        self._body.setHtml(partial.to_html(colours, include_header=False))
        self._scroll_to_end()

    @Slot()
    def _schedule_scroll(self) -> None:
        self._scroll_timer.start()

    @Slot()
    def _scroll_to_end(self) -> None:
        """Keep the newest revealed term in view (the document lays out after setHtml)."""
        if self._follow:
            bar = self._body.verticalScrollBar()
            bar.setValue(bar.maximum())

    # ------------------------------------------------------------ fonts
    def _apply_fonts(self) -> None:
        size = BASE_POINT_SIZE * self._scale
        body = QFont(self.font())
        body.setPointSizeF(size)
        widgets = (
            self._pick_label,
            self._combo,
            self._task,
            self._answer_label,
            self._check,
            self._message,
            self._next,
            self._all,
            self._progress,
            self._quiz,
        )
        for widget in widgets:
            widget.setFont(body)
        self._body.setFont(body)
        self._body.document().setDefaultFont(body)
        answer = QFont(body)
        answer.setPointSizeF(size * 1.25)
        self._answer.setFont(answer)
        badge = QFont(body)
        badge.setPointSizeF(size * 1.2)
        badge.setBold(True)
        self._badge.setFont(badge)
        title = QFont(body)
        title.setPointSizeF(size * 1.25)
        title.setBold(True)
        self._title.setFont(title)
        if self._quantities:
            self._fill_chooser(list(self._quantities.values()))
            self._select_in_combo(self._chosen)
