"""The derivation panel: the chain rule for the selected element with the step's numbers.

Only a panel on screen derives and lays out its text: a hidden one (behind the Explain
tab, or closed) notes that it is behind and catches up when it is shown or painted again,
or when its text is asked for. Text that did not change is not laid out again.

The result (the value the chain rule arrives at, and w+ for a weight or bias) is pinned
under the header, so it is in view on a small window while the steps scroll.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QFont, QFontMetricsF, QPalette, QShowEvent, QTextOption
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout, QWidget

from bpdesk.core.errors import BpdeskError
from bpdesk.core.stepping.canvas_model import Element, QuizMask, just_computed
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.derivation import Derivation, HtmlStyle, default_selection, derive
from bpdesk.core.teaching.equations import Equation, Frac, Op, Sym, Term, split_symbols
from bpdesk.core.teaching.equations.html_render import terms_html
from bpdesk.core.teaching.equations.symbols import symbol_text
from bpdesk.core.teaching.equations.text_render import term_text
from bpdesk.core.teaching.quiz import hide_phase
from bpdesk.gui.shell.theme import clamp_font_scale
from bpdesk.gui.views.redraw import RedrawThrottle

__all__ = ["DARK", "LIGHT", "DerivationPanel", "html_style", "is_seen", "result_html"]

BASE_POINT_SIZE = 14.0  # the body text at font scale 1; the header is larger
HEADER_FACTOR = 1.3
RUNNING_INTERVAL = 0.25  # seconds between redraws while training runs
FRAME_ALLOWANCE = 40  # pixels of margins, padding and the "=" column around a row of fractions
SUBSCRIPT_FACTOR = 0.67  # subscripts are drawn smaller
BODY_LINES = 3.5  # lines of the body kept in view at any text size
EMPTY_TEXT = "Select a neuron, weight or bias in the network to see how its numbers come about."

# The derivation's colours: text, numbers, results, values not computed yet, headings, notes.
LIGHT = HtmlStyle("#111111", "#0b3f8c", "#000000", "#a33a00", "#0b3f8c", "#333333")
DARK = HtmlStyle("#f0f0f0", "#9cc3ff", "#ffffff", "#ffae6b", "#9cc3ff", "#d0d0d0")


def is_seen(widget: QWidget) -> bool:
    """Whether any of ``widget`` is on screen: shown, and not behind another dock's tab
    (a dock behind a tab counts as visible in Qt, but none of it is exposed)."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def result_html(derivation: Derivation, style: HtmlStyle) -> str:
    """The derivation's results on one line ("Result: ∂E_total/∂w5 = 0.082167041 · w5+ = …"):
    the final value of its first equation (for a neuron: of its out) and of its last one."""
    equations = [line for line in derivation.lines if isinstance(line, Equation) and line.rhs]
    if not equations:
        return ""
    first = equations[0]
    if derivation.kind == "neuron":
        outs = [e for e in equations if e.lhs and term_text(e.lhs[0]).startswith("out")]
        first = outs[0] if outs else first
    picked = [first] if equations[-1] is first else [first, equations[-1]]
    # The parts may wrap (a long one at a large text size must not widen the panel).
    parts = [terms_html((*e.lhs, Op(" = "), *e.sides[-1]), style) for e in picked]
    return f"<b>Result:</b> {' &nbsp;·&nbsp; '.join(parts)}"


def html_style(widget: QWidget) -> HtmlStyle:
    """The derivation colours for ``widget``'s background (light or dark)."""
    base = widget.palette().color(QPalette.ColorRole.Base)
    return DARK if base.lightness() < 128 else LIGHT


class _Body(QTextBrowser):
    """The derivation's text area: asks for no more height than its minimum, so that in a
    scroll area the panel fits the dock and the text area scrolls (not the whole panel)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), max(self.minimumHeight(), self.minimumSizeHint().height()))


class DerivationPanel(QWidget):
    """Shows ``derive(snapshot.trace, kind, name)`` as rich text under a header naming the element.

    Selecting happens in the network drawing (``set_selection``); with nothing selected
    the panel shows w5 (or the first weight).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._snapshot: Snapshot | None = None
        self._selection: tuple[str, str] | None = None
        self._derivation: Derivation | None = None
        self._shown: tuple[str, str] | None = None
        self._scale = 1.0
        self._stacked = True  # whether the fractions are stacked (they fit the width)
        self._stale = False  # a redraw was asked for while hidden
        self._html: tuple[str, str, str] | None = None  # the header, body and result on show
        self.renders = 0  # how many times a derivation was worked out (for tests)
        self._width_of: tuple[Derivation, float] | None = None  # the last stacked width
        self._redraw = RedrawThrottle(self._render, self, interval=RUNNING_INTERVAL)
        self.quiz: QuizMask | None = None  # quiz mode's mask, shared with the drawing

        self._header = QLabel(self)
        self._header.setObjectName("derivation_header")
        self._header.setTextFormat(Qt.TextFormat.RichText)
        self._header.setWordWrap(True)
        self._header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._result = QLabel(self)
        self._result.setObjectName("derivation_result")
        self._result.setTextFormat(Qt.TextFormat.RichText)
        self._result.setWordWrap(True)
        self._result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._result.hide()
        self._body = _Body(self)
        self._body.setObjectName("derivation_body")
        self._body.setOpenLinks(False)
        self._body.setFrameShape(QFrame.Shape.NoFrame)
        self._body.document().setDocumentMargin(6)
        # Break lines between words only, never inside a name such as out_o1.
        option = self._body.document().defaultTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        self._body.document().setDefaultTextOption(option)
        self._body.viewport().installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 6, 4)
        layout.setSpacing(2)
        layout.addWidget(self._header)
        layout.addWidget(self._result)
        layout.addWidget(self._body, 1)
        self._apply_fonts()
        self._redraw.draw_now()

    # ------------------------------------------------------------ public API
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Draw the derivation for ``snapshot``; while training runs, a few times a second."""
        self._snapshot = snapshot
        self._redraw.request(urgent=not snapshot.running or self._derivation is None)

    def redraw(self) -> None:
        """Draw again at once (quiz mode or a reveal changed)."""
        self._html = None
        self._redraw.draw_now()

    @Slot(str, str)
    def set_selection(self, kind: str, name: str) -> None:
        """Show the neuron, weight or bias called ``name`` (kind: neuron, weight or bias)."""
        self._selection = (kind, name)
        self._redraw.draw_now()

    def selection(self) -> tuple[str, str] | None:
        """The element shown: the selection, or the default one (None before a snapshot)."""
        self._catch_up()
        return self._shown

    def derivation(self) -> Derivation | None:
        """The derivation on show (worked out now if the panel was hidden)."""
        self._catch_up()
        return self._derivation

    def is_stale(self) -> bool:
        """A snapshot or selection came while hidden and is not drawn yet."""
        return self._stale

    def plain_text(self) -> str:
        """What the panel shows, as plain text (the same numbers)."""
        self._catch_up()
        if self._derivation is None:
            return EMPTY_TEXT
        return self._derivation.to_text()

    def result_label(self) -> QLabel:
        """The result pinned under the header (hidden when there is none)."""
        self._catch_up()
        return self._result

    def set_font_scale(self, scale: float) -> None:
        """1.0 for a screen, more for a projector (kept in the one text-size range)."""
        scale = clamp_font_scale(scale)
        if scale == self._scale:
            return
        self._scale = scale
        self._apply_fonts()
        self._redraw.draw_now()

    def font_scale(self) -> float:
        return self._scale

    def fractions_stacked(self) -> bool:
        """Whether fractions are drawn numerator over denominator (they fit the width)."""
        return self._stacked

    # ------------------------------------------------------------ drawing
    def _apply_fonts(self) -> None:
        self._width_of = None  # measured in the old font
        body = QFont(self.font())
        body.setPointSizeF(BASE_POINT_SIZE * self._scale)
        self._body.setFont(body)
        self._body.document().setDefaultFont(body)
        header = QFont(body)
        header.setPointSizeF(BASE_POINT_SIZE * HEADER_FACTOR * self._scale)
        header.setBold(True)
        self._header.setFont(header)
        self._result.setFont(body)
        # However large the text, the body keeps room for a few lines (the panel scrolls).
        self._body.setMinimumHeight(int(QFontMetricsF(body).lineSpacing() * BODY_LINES))

    def _catch_up(self) -> None:
        """Draw what came while hidden (asked for, or shown again)."""
        if self._stale:
            self._stale = False
            self._draw()

    def showEvent(self, event: QShowEvent) -> None:
        """Shown again: draw what came while hidden."""
        super().showEvent(event)
        self._catch_up()

    def _render(self) -> None:
        """Draw now if visible (or asked for); a hidden panel only notes it is behind."""
        if self._snapshot is not None and not is_seen(self):
            self._stale = True
            return
        self._stale = False
        self._draw()

    def _draw(self) -> None:
        snapshot = self._snapshot
        if snapshot is None:
            self._derivation = None
            self._shown = None
            self._html = None
            self._header.setText("Derivation")
            self._result.hide()
            self._body.setPlainText(EMPTY_TEXT)
            return
        self.renders += 1
        derivation = None
        candidates = [self._selection, default_selection(snapshot.spec)]
        for kind, name in (c for c in candidates if c is not None):
            try:
                derivation = derive(snapshot.trace, kind, name)
            except BpdeskError:
                continue
            break
        if derivation is None:  # pragma: no cover - the default selection always exists
            return
        derivation = self._quizzed(snapshot, derivation)
        same_element = self._shown == (derivation.kind, derivation.name)
        bar = self._body.verticalScrollBar()
        position = bar.value()
        colours = html_style(self)
        self._derivation = derivation
        self._shown = (derivation.kind, derivation.name)
        body = self._body
        self._stacked = self._stacked_width(derivation) <= body.viewport().width()
        html = (
            derivation.header_html(colours),
            derivation.to_html(colours, include_header=False, stacked=self._stacked),
            result_html(derivation, colours),
        )
        if html == self._html:
            return  # the same text: nothing to lay out again
        self._html = html
        self._header.setText(html[0])
        self._result.setText(html[2])
        self._result.setVisible(bool(html[2]))
        body.setHtml(html[1])
        if same_element:
            bar.setValue(position)

    def _quizzed(self, snapshot: Snapshot, derivation: Derivation) -> Derivation:
        """In quiz mode, the numbers the last press computed for this element as "?"."""
        quiz, last = self.quiz, snapshot.trace.last_op
        if quiz is None or not quiz.on or last is None or derivation.kind not in (
            "neuron", "weight", "bias"
        ):  # fmt: skip
            return derivation
        quiz.follow(snapshot.trace)
        computed = just_computed(snapshot)
        element = Element.from_key(f"{derivation.kind}:{derivation.name}")
        # Any number of the press still to be worked out stays hidden here too (another
        # element's derivation uses them), unless this element's own was revealed.
        still_hidden = any(quiz.hides(e, computed) for e in computed)
        revealed = element in computed and not quiz.hides(element, computed)
        return hide_phase(derivation, last.phase) if still_hidden and not revealed else derivation

    def _stacked_width(self, derivation: Derivation) -> float:
        """About how wide the widest row of stacked fractions is, in pixels (worked out once
        per derivation and font: a resize asks again)."""
        cached = self._width_of
        if cached is not None and cached[0] is derivation:
            return cached[1]
        width = self._measure_stacked_width(derivation)
        self._width_of = (derivation, width)
        return width

    def _measure_stacked_width(self, derivation: Derivation) -> float:
        metrics = QFontMetricsF(self._body.document().defaultFont())

        def width(text: str) -> float:
            """How wide ``text`` is drawn, its subscripts smaller."""
            total = 0.0
            for piece in split_symbols(text):
                if isinstance(piece, Sym):
                    base = piece.base + piece.sup
                    sub = metrics.horizontalAdvance(piece.sub) * SUBSCRIPT_FACTOR
                    total += metrics.horizontalAdvance(base) + sub
                else:
                    total += metrics.horizontalAdvance(piece)
            return total

        def term_width(term: Term) -> float:
            if isinstance(term, Frac):
                top, bottom = symbol_text(term.top), symbol_text(term.bottom)
                return max(width(f"∂{top}"), width(f"∂{bottom}")) + 8
            return width(term_text(term))

        widest = 0.0
        for line in derivation.lines:
            if not isinstance(line, Equation) or not line.rhs:
                continue
            first = (*line.lhs, Op(" = "), *line.rhs[0])
            if any(isinstance(term, Frac) for term in first):
                widest = max(widest, sum(term_width(term) for term in first))
        return widest + FRAME_ALLOWANCE

    def changeEvent(self, event: QEvent) -> None:
        """A new theme: draw again in its colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._derivation is not None:
            self._redraw.draw_now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """When the text area changes width, stack the fractions again if they (no longer) fit;
        when it is painted (its tab came to the front), catch up with what came meanwhile."""
        if watched is self._body.viewport() and event.type() == QEvent.Type.Paint and self._stale:
            QTimer.singleShot(0, self, self._catch_up)
        if (
            watched is self._body.viewport()
            and event.type() == QEvent.Type.Resize
            and self._derivation is not None
        ):
            fits = self._stacked_width(self._derivation) <= self._body.viewport().width()
            if fits != self._stacked:
                self._redraw.draw_now()
        return super().eventFilter(watched, event)
