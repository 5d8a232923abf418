"""The Algorithm (delta rule) panel: the slide's pseudo-code, live, beside the network.

The line the last sub-step carried out is highlighted as the user steps (Forward, Backward,
Update, or one neuron at a time with Next neuron), and that line is written out with the
step's numbers for the current neuron: δk, δh, Δw and the momentum term. Two radio buttons
switch between the worked example's convention (δ = ∂E/∂net, w ← w − η ∂E/∂w) and the
slide's (δ = o(1 − o)(t − o), w ← w + η δ x); an update shows that both give the same w+.

Only the current neuron's numbers and a few terms are written (``bpdesk.core.teaching.
algorithm``), so a big network costs no more than the lecture's; a hidden panel writes
nothing and catches up when it is shown again.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, Qt, QTimer, Slot
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QHideEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
    QTextDocument,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QBoxLayout,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from bpdesk.core.formatting import format_value
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.algorithm import CONVENTION_TITLES, LINE_KEYS, Line, Reading, read
from bpdesk.core.teaching.equations.html_render import symbol_html
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.views.derivation_panel import is_seen
from bpdesk.gui.views.redraw import RedrawThrottle

__all__ = ["AlgorithmView", "build"]

BASE_POINT_SIZE = 14.0  # body text at font scale 1 (as the derivation panel)
RUNNING_INTERVAL = 0.25  # seconds between redraws while training runs
SWITCH_TEXTS = {"example": "Worked example: δ = ∂E/∂net", "slide": "Slide: δ = o(1 − o)(t − o)"}
SHORT_SWITCH_TEXTS = {"example": "Worked example", "slide": "Slide"}  # a narrow panel
MAX_TERMS = 4  # terms of a sum, and weights of an update, written out with numbers
LINE_INDENT = 24  # pixels per level of the pseudo-code
FONT_WATCH_MS = 400  # how often a shown panel looks at the window's text size
SIDE_BY_SIDE_CHARS = 80  # wider than this many characters: code and numbers side by side

# Colours (text, numbers, highlighted line's background, its text, notes, spare), light and dark.
_LIGHT = ("#111111", "#0b3f8c", "#ffe28a", "#000000", "#333333", "#b06f00")
_DARK = ("#f0f0f0", "#9cc3ff", "#6b5410", "#ffffff", "#d0d0d0", "#ffc040")


def build(host: ToolHost) -> AlgorithmView:
    """The panel for the tool registry."""
    return AlgorithmView(host)


class AlgorithmView(QWidget):
    """The delta rule's pseudo-code with the executing line highlighted and its numbers.

    Wide, the numbers sit in a column beside the code; narrow, right under the highlighted
    line, which the dock scrolls to."""

    def __init__(self, host: ToolHost | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("algorithm_view")
        self._host = host
        self._snapshot: Snapshot | None = None
        self._reading: Reading | None = None
        self._html: tuple[str, ...] | None = None
        self._stale = False
        self._wide = False
        self._scale = 0.0  # set by _apply_fonts
        self.renders = 0  # readings worked out (for tests)
        self._redraw = RedrawThrottle(self._render, self, interval=RUNNING_INTERVAL)
        # The window tells its own views of a new text size, not the tools: while shown, the
        # panel looks at host.font_scale a few times a second (one comparison).
        self._font_watch = QTimer(self)
        self._font_watch.setInterval(FONT_WATCH_MS)
        self._font_watch.timeout.connect(self._follow_font_scale)

        self.example_button = QRadioButton(SHORT_SWITCH_TEXTS["example"])
        self.example_button.setObjectName("algorithm_example")
        self.example_button.setToolTip(CONVENTION_TITLES["example"])
        self.slide_button = QRadioButton(SHORT_SWITCH_TEXTS["slide"])
        self.slide_button.setObjectName("algorithm_slide")
        self.slide_button.setToolTip(CONVENTION_TITLES["slide"])
        self.example_button.setChecked(True)
        self._group = QButtonGroup(self)
        self._group.addButton(self.example_button)
        self._group.addButton(self.slide_button)
        self._group.buttonToggled.connect(self._on_convention)

        # The pseudo-code in two labels: the lines up to the highlighted one, and the rest
        # (narrow, the numbers go between them; wide, the first holds every line).
        self._code_top = _label(self, "algorithm_code")
        self._code_rest = _label(self, "algorithm_code_rest")
        self._code_top.setAccessibleName("The delta rule, the line being carried out highlighted")
        self._place = _label(self, "algorithm_place")
        self._numbers = _label(self, "algorithm_numbers")
        self._numbers.setAccessibleName("The current line with the step's numbers")
        self._details = QWidget(self)
        details = QVBoxLayout(self._details)
        details.setContentsMargins(0, 0, 0, 0)
        details.setSpacing(4)
        details.addWidget(self._place)
        details.addWidget(self._numbers)
        details.addStretch(1)

        self._switch = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._switch.setSpacing(2)
        self._switch.addWidget(self.example_button)
        self._switch.addWidget(self.slide_button)
        self._switch.addStretch(1)
        self._code = QVBoxLayout()
        self._code.setSpacing(0)
        self._code.addWidget(self._code_top)
        self._code.addWidget(self._code_rest)
        self._code.addStretch(1)
        self._columns = QHBoxLayout()
        self._columns.setSpacing(16)
        self._columns.addLayout(self._code, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(self._switch)
        layout.addLayout(self._columns, 1)
        self._apply_fonts(host.font_scale if host is not None else 1.0)
        self._place.setText("The delta rule appears here once the network is loaded.")
        self._put_details(None)

    # ------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Follow ``snapshot``: at once after a press, a few times a second during a run."""
        self._snapshot = snapshot
        self._redraw.request(urgent=not snapshot.running or self._reading is None)

    def convention(self) -> str:
        """``"example"`` or ``"slide"``: the convention the numbers are written in."""
        return "slide" if self.slide_button.isChecked() else "example"

    def set_convention(self, convention: str) -> None:
        """Switch to ``"example"`` or ``"slide"`` (as clicking its radio button does)."""
        if convention not in ("example", "slide"):
            raise ValueError(f"The convention is example or slide, not {convention!r}.")
        button = self.slide_button if convention == "slide" else self.example_button
        button.setChecked(True)

    def reading(self) -> Reading | None:
        """What the panel shows (worked out now if it came while hidden)."""
        self._catch_up()
        return self._reading

    def highlighted_lines(self) -> tuple[str, ...]:
        """The keys of the highlighted pseudo-code lines (empty before the first snapshot)."""
        reading = self.reading()
        return () if reading is None else reading.place.highlighted

    def code_text(self) -> str:
        """The pseudo-code as shown, in plain text (the highlighted line's mark included)."""
        self._catch_up()
        return "\n".join(
            QTextDocumentFragment.fromHtml(label.text()).toPlainText()
            for label in (self._code_top, self._code_rest)
            if label.isVisibleTo(self) and label.text()
        )

    def numbers_text(self) -> str:
        """The numbers as shown, in plain text."""
        self._catch_up()
        return QTextDocumentFragment.fromHtml(self._numbers.text()).toPlainText()

    def plain_text(self) -> str:
        """The panel's text as plain text: the pseudo-code and the numbers."""
        reading = self.reading()
        return self._place.text() if reading is None else reading.to_text()

    def font_scale(self) -> float:
        return self._scale

    def is_side_by_side(self) -> bool:
        return self._wide

    # ------------------------------------------------------------ layout
    @Slot()
    def _on_convention(self) -> None:
        self._redraw.draw_now()

    def _apply_fonts(self, scale: float) -> None:
        self._scale = clamp_font_scale(scale)
        body = QFont(self.font())
        body.setPointSizeF(BASE_POINT_SIZE * self._scale)
        for widget in (self._code_top, self._code_rest, self._numbers, self._place):
            widget.setFont(body)
        buttons = QFont(body)
        buttons.setPointSizeF(BASE_POINT_SIZE * 0.9 * self._scale)
        self.example_button.setFont(buttons)
        self.slide_button.setFont(buttons)
        self._html = None
        self._arrange()

    def _arrange(self) -> None:
        """Side by side when the panel is wide, the numbers under the current line if not."""
        char = QFontMetricsF(self._place.font()).averageCharWidth()
        wide = self.width() >= SIDE_BY_SIDE_CHARS * char
        if wide == self._wide:
            return
        self._wide = wide
        self._switch.setDirection(
            QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        )
        self._switch.setSpacing(18 if wide else 2)
        texts = SWITCH_TEXTS if wide else SHORT_SWITCH_TEXTS
        self.example_button.setText(texts["example"])
        self.slide_button.setText(texts["slide"])
        self._put_details(self._reading)
        if self._snapshot is not None and not self._stale:
            QTimer.singleShot(0, self, self._redraw.draw_now)  # the code split anew

    def _split(self, reading: Reading | None) -> int:
        """How many lines the first code label holds: all when wide, else up to the
        highlighted one."""
        if reading is None or self._wide:
            return len(LINE_KEYS)
        keys = [line.key for line in reading.lines]
        return 1 + max(keys.index(key) for key in reading.place.highlighted)

    def _put_details(self, reading: Reading | None) -> None:
        """The numbers beside the code (wide) or right under the highlighted line."""
        self._columns.removeWidget(self._details)
        self._code.removeWidget(self._details)
        if self._wide or reading is None:
            self._columns.addWidget(self._details, 4)
            self._details.setContentsMargins(0, 0, 0, 0)
        else:
            self._code.insertWidget(1, self._details)
            self._details.setContentsMargins(LINE_INDENT, 4, 0, 8)
        self._html = None  # the code is split anew

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width may put the code and the numbers side by side (or not)."""
        super().resizeEvent(event)
        self._arrange()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown again: draw what came while hidden, and follow the text size."""
        super().showEvent(event)
        self._font_watch.start()
        if self._stale:
            QTimer.singleShot(0, self, self._catch_up)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._font_watch.stop()

    @Slot()
    def _follow_font_scale(self) -> None:
        """The window's text size changed: the panel's text follows."""
        if self._host is None or clamp_font_scale(self._host.font_scale) == self._scale:
            return
        self._apply_fonts(self._host.font_scale)
        if self._snapshot is not None:
            self._redraw.draw_now()

    def shutdown(self) -> None:
        """The window closes: no more watching."""
        self._font_watch.stop()

    # ------------------------------------------------------------ drawing
    def _catch_up(self) -> None:
        if self._stale:
            self._stale = False
            self._draw()

    def _render(self) -> None:
        if self._snapshot is not None and not is_seen(self):
            self._stale = True
            return
        self._stale = False
        self._draw()

    def _draw(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            return
        if self._host is not None and clamp_font_scale(self._host.font_scale) != self._scale:
            self._apply_fonts(self._host.font_scale)
        reading = read(snapshot.trace, self.convention(), max_terms=MAX_TERMS)
        self.renders += 1
        moved = (
            self._reading is None or reading.place.highlighted != self._reading.place.highlighted
        )
        self._reading = reading
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        colours = _DARK if dark else _LIGHT
        split = self._split(reading)
        lines = [_line_html(line, reading, colours) for line in reading.lines]
        texts = (
            "".join(lines[:split]),
            "".join(lines[split:]),
            _place_html(reading, snapshot, colours),
            _numbers_html(reading, colours),
        )
        if texts == self._html:
            return
        self._html = texts
        self._code_top.setText(texts[0])
        self._code_rest.setText(texts[1])
        self._code_rest.setVisible(bool(texts[1]))
        self._place.setText(texts[2])
        self._numbers.setText(texts[3])
        if moved:
            self._put_details(reading)
            self._html = texts
            if not self._wide:
                QTimer.singleShot(0, self, self._scroll_to_line)

    @Slot()
    def _scroll_to_line(self) -> None:
        """Narrow: the dock's scroll area shows the highlighted line and its numbers under it."""
        scroller = self.parentWidget()
        while scroller is not None and not isinstance(scroller, QScrollArea):
            scroller = scroller.parentWidget()
        if scroller is None or self._wide:
            return
        reading = self._reading
        if reading is None:
            return
        label = self._code_top
        keys = [line.key for line in reading.lines]
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setHtml(label.text())
        document.setTextWidth(label.contentsRect().width())
        block = document.findBlockByNumber(keys.index(reading.place.highlighted[0]))
        y = document.documentLayout().blockBoundingRect(block).top()
        top = label.mapTo(self, QPoint(0, 0)).y() + y - 4
        scroller.verticalScrollBar().setValue(max(0, int(top)))


def _label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    return label


# ------------------------------------------------------------------ rich text
def _line_html(line: Line, reading: Reading, colours: tuple[str, ...]) -> str:
    """One pseudo-code line, indented; the highlighted one on a coloured band, with a mark,
    its formula in bold."""
    on = line.key in reading.place.highlighted
    words = symbol_html(line.words) if line.words else ""
    formula = symbol_html(line.formula) if line.formula else ""
    if formula and on:
        formula = f"<b>{formula}</b>"
    body = f"{words}&nbsp; {formula}" if words and formula else words or formula
    style = f"margin: 0; margin-left: {LINE_INDENT * line.indent}px;"
    if on:
        style += f" background-color: {colours[2]}; color: {colours[3]};"
        return f"<p style='{style}'>▶ {body}</p>"
    return f"<p style='{style} color: {colours[0]};'>{body}</p>"


def _place_html(reading: Reading, snapshot: Snapshot, colours: tuple[str, ...]) -> str:
    note = colours[4]
    place = reading.place
    if snapshot.running:
        doing = "Training runs: every sample goes through all of these lines."
    else:
        doing = place.doing
    coming = (
        ""
        if snapshot.running
        else f"<br><span style='color:{note}'>{html.escape(place.coming)}</span>"
    )
    if snapshot.diverged:
        coming = f"<br><span style='color:{note}'>{html.escape(snapshot.diverged)}</span>"
    return f"<b>{symbol_html(doing)}</b>{coming}"


def _numbers_html(reading: Reading, colours: tuple[str, ...]) -> str:
    """The rows of the current line (name = symbols = numbers = value), and for an update
    first the new weights both ways beside the step machine's."""
    text, number, note = colours[0], colours[1], colours[4]
    parts = [_agreement_html(reading)]
    cells = []
    for row in reading.rows:
        value = f"<b style='color:{number}'>{html.escape(format_value(row.value))}</b>"
        steps = [symbol_html(row.symbols), html.escape(row.numbers)]
        steps = [step for step in steps if step] + [value]
        for index, step in enumerate(steps):
            name = f"<b>{symbol_html(row.name)}</b>" if index == 0 else ""
            cells.append(
                f"<tr><td style='padding: 1px 6px 1px 0' align='right'>{name}</td>"
                f"<td style='padding: 1px 0'>=&nbsp;{step}</td></tr>"
            )
    if cells:
        parts.append(f"<table cellspacing='0' style='color:{text}'>{''.join(cells)}</table>")
    for line in reading.notes:
        parts.append(f"<p style='color:{note}; margin-top:6px'>{symbol_html(line)}</p>")
    return "".join(parts)


def _agreement_html(reading: Reading) -> str:
    """w+ of the shown weights by the slide's rule and by the worked example's; the step
    machine's own values get a column only where they differ."""
    agreement = reading.agreement
    if agreement is None:
        return ""
    columns = [agreement.slide, agreement.example]
    heads = ["", "slide", "worked example"]
    if not agreement.finite:
        return f"<p><b>{html.escape(agreement.text)}</b></p>"
    if agreement.same:
        headline = "✓ Both conventions give the same new weights, the step machine's:"
    else:
        gap = format_value(agreement.largest_difference)
        headline = f"✗ The conventions and the step machine differ here (by up to {gap}):"
        columns.append(agreement.stepper)
        heads.append("step machine")
    gap_cell = "<td>&nbsp;&nbsp;&nbsp;</td>"
    head_row = gap_cell.join(f"<th align='left'>{head or '&nbsp;'}</th>" for head in heads)
    rows = []
    for index, name in enumerate(agreement.names):
        cells = [f"<td>{symbol_html(name)}<sup>+</sup></td>"]
        cells += [f"<td>{format_value(column[index])}</td>" for column in columns]
        rows.append(f"<tr>{gap_cell.join(cells)}</tr>")
    return (
        f"<p style='margin-top:4px'><b>{headline}</b></p>"
        f"<table cellspacing='0' cellpadding='1' style='margin-bottom:8px'>"
        f"<tr>{head_row}</tr>{''.join(rows)}</table>"
    )
