"""The practice panel: choose a quantity, type its value and have it checked, reveal its working."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.errors import BpdeskError
from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.steps import PHASE_BUTTONS, PHASES
from bpdesk.core.teaching.derivation import Derivation, derive
from bpdesk.core.teaching.practice import Judgement, judge
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.tools.practice.chooser import QuantityChooser
from bpdesk.gui.tools.practice.quantities import (
    HOME_TASK,
    PHASE_WORDS,
    Quantity,
    quantities,
    true_value,
)
from bpdesk.gui.tools.practice.reveal import partial, reveal_steps
from bpdesk.gui.views.derivation_panel import html_style
from bpdesk.gui.views.redraw import RedrawThrottle

__all__ = ["PracticePanel"]

BASE_POINT_SIZE = 13.0
RUNNING_INTERVAL = 0.25  # seconds between redraws while training runs
EMPTY_TEXT = "Open a lesson to practise its numbers."

# Verdict badges: a word and a symbol as well as a colour (background, text).
VERDICTS = {
    "right": ("✓ Right", "#1b6e34", "#ffffff"),
    "close": ("≈ Close", "#8a5300", "#ffffff"),
    "wrong": ("✗ Wrong", "#a8141f", "#ffffff"),
    "missing": ("… Not yet", "#3f4a5a", "#ffffff"),
    "revealed": ("Shown", "#1f4f99", "#ffffff"),
}


def _changed(before: float, after: float) -> bool:
    """Did a value change other than by being computed (a new step, or a step undone)?"""
    return not math.isnan(before) and not (after == before)


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
        self._redraw = RedrawThrottle(self._take_snapshot, self, interval=RUNNING_INTERVAL)
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
        self._chooser = QuantityChooser(self)
        self._chooser.chosen.connect(self.choose)
        self._task = QLabel()
        self._task.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self._chooser)
        layout.addWidget(self._task)
        layout.addLayout(self._build_answer_row())
        layout.addWidget(self._build_feedback())
        layout.addLayout(self._build_reveal_row())
        layout.addWidget(self._build_body(), 1)
        self._set_verdict("", "")

    def _build_answer_row(self) -> QHBoxLayout:
        self._answer = QLineEdit()
        self._answer.setObjectName("practice_answer")
        self._answer.setPlaceholderText("your value, e.g. 0.5614")
        self._answer.returnPressed.connect(self._check_pressed)
        self._check = QPushButton("Check")
        self._check.setDefault(True)
        self._check.clicked.connect(self._check_pressed)
        row = QHBoxLayout()
        self._answer_label = QLabel("Your answer:")
        row.addWidget(self._answer_label)
        row.addWidget(self._answer, 1)
        row.addWidget(self._check)
        return row

    def _build_feedback(self) -> QFrame:
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
        return self._feedback_frame

    def _build_reveal_row(self) -> QHBoxLayout:
        self._next = QPushButton("Show next term")
        self._next.clicked.connect(self._next_pressed)
        self._all = QPushButton("Show all")
        self._all.clicked.connect(self._all_pressed)
        self._progress = QLabel()
        row = QHBoxLayout()
        row.addWidget(self._next)
        row.addWidget(self._all)
        row.addWidget(self._progress, 1)
        return row

    def _build_body(self) -> QTextBrowser:
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
        return self._body

    # ------------------------------------------------------------ public API
    @Slot(object)
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Take the step's numbers; a new step clears the answer's verdict and the reveal.
        While training runs, a few times a second."""
        self._snapshot = snapshot
        self._redraw.request(urgent=not snapshot.running)

    def _take_snapshot(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        lecture = "lecture" in snapshot.dataset_name.lower() and snapshot.spec.sizes == (2, 2, 2)
        key = (snapshot.spec, snapshot.config.train_biases, lecture)
        if key != self._key:
            self._key = key
            items = quantities(snapshot.spec, biases=snapshot.config.train_biases, lecture=lecture)
            self._quantities = {q.name: q for q in items}
            self._chooser.fill(items)
            if self._chosen not in self._quantities:
                first = next(iter(self._quantities), HOME_TASK)
                self._chosen = HOME_TASK if HOME_TASK in self._quantities else first
        self._chooser.select(self._chosen)
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

    @Slot(str)
    def choose(self, quantity: str) -> None:
        """Practise ``quantity`` (a name such as "w8+", "dE_total/dw5" or "net_h1")."""
        if self._quantities and quantity not in self._quantities:
            raise ValueError(f"This network has no quantity called '{quantity}'.")
        if quantity == self._chosen and self._quantities:
            return
        self._chosen = quantity
        self._seen_value = self._true_value()
        self._chooser.select(quantity)
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
        shown = self._partial()
        return shown.to_text() if shown is not None and shown.lines else ""

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
        """1.0 for a screen, more for a projector (kept in the one text-size range)."""
        scale = clamp_font_scale(scale)
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

    # ------------------------------------------------------------ judging
    def _true_value(self) -> float:
        if self._snapshot is None:
            return math.nan
        return true_value(self._snapshot.trace, self._chosen)

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
        return derivation, reveal_steps(derivation, q)

    def _partial(self) -> Derivation | None:
        steps = self._all_steps()
        if steps is None:
            return None
        derivation, order = steps
        return partial(derivation, order[: self._shown_steps])

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
        shown = partial(steps[0], steps[1][: self._shown_steps])
        self._follow = True
        self._body.setHtml(shown.to_html(html_style(self._body), include_header=False))
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
        self._chooser.set_text_font(body)
