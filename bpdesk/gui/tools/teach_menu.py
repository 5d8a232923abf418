"""The teaching tools in the main window: Explain, Practice, the decision boundary, the error
landscape, side-by-side runs, lessons and presentation mode, each a dock or an action."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QMainWindow,
    QScrollArea,
    QWidget,
)

from bpdesk.core.engine.network import Network
from bpdesk.core.errors import BpdeskError
from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.stepping.steps import COMMANDS
from bpdesk.core.teaching.landscape import data_map, error_grid
from bpdesk.core.teaching.lesson import Lesson, load_lesson
from bpdesk.gui.shell import settings
from bpdesk.gui.tools.boundary import BoundaryView
from bpdesk.gui.tools.comparison_view import ComparisonView
from bpdesk.gui.tools.explain import ExplainPanel
from bpdesk.gui.tools.landscape_view import LandscapeView
from bpdesk.gui.tools.lesson_bar import LessonBar
from bpdesk.gui.tools.practice import PracticePanel
from bpdesk.resources import resource_path

__all__ = ["PRESENTATION_SCALES", "TeachingTools", "compute_landscape", "compute_map"]

PRESENTATION_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5)
MAP_SIZE = 60


def compute_landscape(
    snapshot: Snapshot, first: str, second: str, span: float, size: int
) -> object:
    """The error over a grid of two parameters around the snapshot's weights."""
    network = Network.from_values(snapshot.spec, snapshot.values)
    assert snapshot.inputs is not None and snapshot.targets is not None
    return error_grid(
        network, snapshot.inputs, snapshot.targets, first, second, span=span, size=size
    )


def compute_map(snapshot: Snapshot) -> object:
    """Every layer's outputs over a grid of the two inputs, around the data."""
    inputs = snapshot.inputs
    assert inputs is not None
    return data_map(Network.from_values(snapshot.spec, snapshot.values), inputs, MAP_SIZE)


class TeachingTools(QObject):
    """Adds the teaching docks, the Teach menu and presentation mode to a main window."""

    # Results of the analysis thread, delivered (queued) to this object in the GUI thread.
    _computed = Signal(str, object)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.explain = ExplainPanel()
        self.practice = PracticePanel()
        # The three plot-heavy views are built when first shown (start-up stays quick).
        self._boundary: BoundaryView | None = None
        self._landscape: LandscapeView | None = None
        self._comparison: ComparisonView | None = None
        self.lesson_bar = LessonBar()
        self.lesson: Lesson | None = None
        self.slide = 0
        self._snapshot: Snapshot | None = None
        self._map: tuple[object, ...] | None = None
        self._map_pending = False
        self._presenting = False
        self._saved_state = b""
        self._saved_scale = 1.0
        self._build_docks()
        self._build_menu()
        self._start_analysis()
        window.snapshot_shown.connect(self._on_snapshot)  # type: ignore[attr-defined]
        self.lesson_bar.next_requested.connect(self.next_slide)
        self.lesson_bar.previous_requested.connect(self.previous_slide)
        self.lesson_bar.closed.connect(self.close_lesson)
        self.practice.quiz_mode_changed.connect(self._on_quiz_mode)
        self.practice.revealed.connect(self._on_revealed)
        snapshot = getattr(window, "snapshot", None)
        if snapshot is not None:
            self._on_snapshot(snapshot)

    # ------------------------------------------------------------ building
    def _dock(self, name: str, title: str, widget: QWidget, scroll: bool = True) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(name)
        if not scroll:
            dock.setWidget(widget)
            return dock
        # In a scroll area, a panel's own minimum size never stops the window from shrinking.
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(widget)
        dock.setWidget(scroller)
        return dock

    def _build_docks(self) -> None:
        w = self.window
        self.explain_dock = self._dock("dock_explain", "Explain", self.explain)
        self.practice_dock = self._dock("dock_practice", "Practice", self.practice)
        self.boundary_dock = self._dock("dock_boundary", "Decision boundary", QWidget())
        self.landscape_dock = self._dock("dock_landscape", "Error landscape", QWidget())
        self.comparison_dock = self._dock("dock_comparison", "Side-by-side runs", QWidget())
        self.lesson_dock = self._dock("dock_lesson", "Lesson", self.lesson_bar, scroll=False)
        derivation_dock = getattr(w, "derivation_dock", None)
        parameters_dock = getattr(w, "parameters_dock", None)
        if derivation_dock is not None:
            w.tabifyDockWidget(derivation_dock, self.explain_dock)
            derivation_dock.raise_()
        else:
            w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.explain_dock)
        if parameters_dock is not None:
            w.tabifyDockWidget(parameters_dock, self.practice_dock)
            parameters_dock.raise_()
        else:
            w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.practice_dock)
        for dock in (self.boundary_dock, self.landscape_dock, self.comparison_dock):
            # Tabs beside the parameters: a view opened from the Teach menu gets the whole
            # right-hand column (and comes to the front).
            if parameters_dock is not None:
                w.tabifyDockWidget(parameters_dock, dock)
            else:
                w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
            dock.hide()
            dock.toggleViewAction().triggered.connect(
                lambda checked=False, d=dock: d.raise_() if checked else None
            )
        w.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, self.lesson_dock)
        self.lesson_dock.hide()
        for dock in (self.explain_dock, self.practice_dock, self.landscape_dock,
                     self.comparison_dock):  # fmt: skip
            dock.visibilityChanged.connect(self._on_dock_shown)
        self.boundary_dock.visibilityChanged.connect(self._on_boundary_shown)

    def _action(self, name: str, text: str, keys: list[str] | None = None) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        self.window.addAction(action)
        return action

    def _build_menu(self) -> None:
        menu = self.window.menuBar().addMenu("&Teach")
        for dock in (
            self.explain_dock,
            self.practice_dock,
            self.boundary_dock,
            self.landscape_dock,
            self.comparison_dock,
        ):
            menu.addAction(dock.toggleViewAction())
        menu.addSeparator()
        self.action_lesson = self._action("action_lesson", "Lesson: the lecture's worked example")
        self.action_lesson.triggered.connect(self._open_lecture_lesson)
        menu.addAction(self.action_lesson)
        self.action_next = self._action("action_present_next", "Next (slide or step)", ["PgDown"])
        self.action_next.triggered.connect(self._on_page_down)
        self.action_previous = self._action("action_present_previous", "Previous", ["PgUp"])
        self.action_previous.triggered.connect(self._on_page_up)
        menu.addAction(self.action_next)
        menu.addAction(self.action_previous)
        menu.addSeparator()
        self.action_presentation = self._action("action_presentation", "Presentation mode", ["F11"])
        self.action_presentation.setCheckable(True)
        self.action_presentation.toggled.connect(self.set_presentation)
        menu.addAction(self.action_presentation)
        sizes = menu.addMenu("Presentation text size")
        group = QActionGroup(self)
        self.scale_actions: dict[float, QAction] = {}
        for scale in PRESENTATION_SCALES:
            action = QAction(f"{round(scale * 100)} %", self)
            action.setCheckable(True)
            action.setChecked(scale == 1.75)
            action.triggered.connect(lambda _=False, s=scale: self._on_scale(s))
            group.addAction(action)
            sizes.addAction(action)
            self.scale_actions[scale] = action
        self.presentation_scale = 1.75
        self.action_contrast = self._action("action_high_contrast", "High contrast")
        self.action_contrast.setCheckable(True)
        self.action_contrast.toggled.connect(self.set_high_contrast)
        menu.addAction(self.action_contrast)

    def _start_analysis(self) -> None:
        # A plain Python thread pool: the maths is NumPy and needs no Qt object of its own.
        self.analysis = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bpdesk-analysis")
        self._computed.connect(self._on_computed)
        self._closed = False

    def _submit(self, kind: str, work: Callable[[], object]) -> None:
        def done(future: Future[object]) -> None:
            if self._closed:
                return
            error = future.exception()
            self._computed.emit(kind, error if error is not None else future.result())

        self.analysis.submit(work).add_done_callback(done)

    @Slot(str, object)
    def _on_computed(self, kind: str, result: object) -> None:
        if isinstance(result, BaseException):
            self._map_pending = False
            what = "error landscape" if kind == "landscape" else "decision map"
            detail = str(result) if isinstance(result, BpdeskError) else repr(result)
            self._message(f"The {what} could not be computed: {detail}")
        elif kind == "landscape":
            self.landscape.show_landscape(result)  # type: ignore[arg-type]
        else:
            self._map_pending = False
            self._map = result  # type: ignore[assignment]
            self._show_boundary()

    def shutdown(self) -> None:
        """Finish the analysis and stop the side-by-side runs (safe to call twice)."""
        if self._comparison is not None:
            self._comparison.shutdown()
        self._closed = True
        self.analysis.shutdown(wait=True, cancel_futures=True)

    # ------------------------------------------------------------ snapshots
    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        previous = self._snapshot
        self._snapshot = snapshot
        for name, view, dock in self._views():
            # During a run, a panel nobody can see waits: it catches up when it is shown.
            if view is None or (snapshot.running and not dock.isVisible()):
                continue
            try:
                view.show_snapshot(snapshot)
            except Exception as error:
                self._message(f"Something went wrong while drawing the {name}: {error}")
        if previous is None or previous.spec != snapshot.spec:
            self._map = None
        if self.boundary_dock.isVisible():
            self._show_boundary()
        two_inputs = snapshot.inputs is not None and snapshot.inputs.shape[1] == 2
        if two_inputs and self.boundary_dock.isVisible() and not self._map_pending:
            self._map_pending = True
            self._submit("map", lambda: compute_map(snapshot))

    def _views(self) -> list[tuple[str, QWidget | None, QDockWidget]]:
        return [
            ("explanation", self.explain, self.explain_dock),
            ("practice panel", self.practice, self.practice_dock),
            ("error landscape", self._landscape, self.landscape_dock),
            ("side-by-side runs", self._comparison, self.comparison_dock),
        ]

    @staticmethod
    def _place(dock: QDockWidget, view: QWidget) -> None:
        scroller = dock.widget()
        assert isinstance(scroller, QScrollArea)
        scroller.setWidget(view)

    @property
    def boundary(self) -> BoundaryView:
        if self._boundary is None:
            self._boundary = BoundaryView()
            self._boundary.rollback_requested.connect(self._on_rollback)
            self._place(self.boundary_dock, self._boundary)
        return self._boundary

    @property
    def landscape(self) -> LandscapeView:
        if self._landscape is None:
            self._landscape = LandscapeView()
            self._landscape.landscape_requested.connect(self._request_landscape)
            self._place(self.landscape_dock, self._landscape)
            if self._snapshot is not None:
                self._landscape.show_snapshot(self._snapshot)
        return self._landscape

    @property
    def comparison(self) -> ComparisonView:
        if self._comparison is None:
            self._comparison = ComparisonView()
            self._place(self.comparison_dock, self._comparison)
            if self._snapshot is not None:
                self._comparison.show_snapshot(self._snapshot)
        return self._comparison

    @Slot(bool)
    def _on_dock_shown(self, visible: bool) -> None:
        if self.landscape_dock.isVisible():
            _ = self.landscape  # built on first show
        if self.comparison_dock.isVisible():
            _ = self.comparison
        if visible and self._snapshot is not None:
            for _, view, dock in self._views():
                if view is not None and dock.isVisible():
                    view.show_snapshot(self._snapshot)  # type: ignore[attr-defined]

    def _show_boundary(self) -> None:
        snapshot = self._snapshot
        if snapshot is None or self._boundary is None:
            return
        shown = replace(snapshot, decision_map=self._map) if self._map else snapshot
        try:
            self.boundary.show_snapshot(shown)
        except Exception as error:
            self._message(f"Something went wrong while drawing the decision boundary: {error}")

    @Slot(bool)
    def _on_boundary_shown(self, visible: bool) -> None:
        if visible:
            _ = self.boundary  # built on first show
            self._show_boundary()

    def _message(self, text: str) -> None:
        show = getattr(self.window, "show_message", None)
        if show is not None:
            show(text)

    @Slot(str, str, float, int)
    def _request_landscape(self, first: str, second: str, span: float, size: int) -> None:
        if self._snapshot is not None:
            snapshot = self._snapshot
            self._submit(
                "landscape", lambda: compute_landscape(snapshot, first, second, span, size)
            )

    # ------------------------------------------------------------ practice
    @Slot(bool)
    def _on_quiz_mode(self, on: bool) -> None:
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None and hasattr(canvas, "set_quiz_mode"):
            canvas.set_quiz_mode(on)

    @Slot(str)
    def _on_revealed(self, name: str) -> None:
        canvas = getattr(self.window, "canvas", None)
        if canvas is not None and hasattr(canvas, "reveal"):
            canvas.reveal(name)

    @Slot()
    def _on_rollback(self) -> None:
        roll_back = getattr(self.window, "roll_back_to_best", None)
        if roll_back is not None:
            roll_back()

    # ------------------------------------------------------------ lessons
    @Slot()
    def _open_lecture_lesson(self) -> None:
        self.open_lesson(str(resource_path("lessons", "lecture.json")))

    def open_lesson(self, path: str) -> None:
        try:
            lesson = load_lesson(path)
        except BpdeskError as error:
            self._message(str(error))
            return
        self.lesson = lesson
        self.slide = 0
        self.window.open_source(lesson.source)  # type: ignore[attr-defined]
        self.lesson_dock.show()
        self._show_slide()

    def _send(self, command: str) -> None:
        name, _, count = command.partition(":")
        w = self.window
        if name in ("forward", "backward", "update", "neuron", "full"):
            w.step_requested.emit(name)  # type: ignore[attr-defined]
        elif name == "back":
            w.step_back_requested.emit()  # type: ignore[attr-defined]
        elif name == "reset":
            w.reset_requested.emit()  # type: ignore[attr-defined]
        elif name == "run":
            w.run_iterations_requested.emit(int(count))  # type: ignore[attr-defined]
        elif name == "epochs":
            w.run_requested.emit(int(count))  # type: ignore[attr-defined]
        else:
            raise ValueError(f"{command} is not one of {COMMANDS}")

    @Slot()
    def next_slide(self) -> None:
        if self.lesson is None or self.slide + 1 >= len(self.lesson.slides):
            return
        self.slide += 1
        for command in self.lesson.slides[self.slide].commands:
            self._send(command)
        self._show_slide()

    @Slot()
    def previous_slide(self) -> None:
        if self.lesson is None or self.slide == 0:
            return
        self.slide -= 1
        self._send("reset")
        for index in range(1, self.slide + 1):
            for command in self.lesson.slides[index].commands:
                self._send(command)
        self._show_slide()

    @Slot()
    def close_lesson(self) -> None:
        self.lesson = None
        self.lesson_dock.hide()

    def _show_slide(self) -> None:
        assert self.lesson is not None
        slide = self.lesson.slides[self.slide]
        self.lesson_bar.show_slide(
            self.lesson.title, slide.title, slide.caption, self.slide, len(self.lesson.slides)
        )

    @Slot()
    def _on_page_down(self) -> None:
        if self.lesson is not None:
            self.next_slide()
        elif self._snapshot is not None and not self._snapshot.running:
            self.window.request_step(self._snapshot.phase)  # type: ignore[attr-defined]

    @Slot()
    def _on_page_up(self) -> None:
        if self.lesson is not None:
            self.previous_slide()
        else:
            self.window.step_back_requested.emit()  # type: ignore[attr-defined]

    # ------------------------------------------------------------ presentation
    def _on_scale(self, scale: float) -> None:
        self.presentation_scale = scale
        if self._presenting:
            self.window.set_font_scale(scale)  # type: ignore[attr-defined]
            settings.set_font_scale(self._saved_scale)
            self.lesson_bar.set_font_scale(scale)

    @Slot(bool)
    def set_presentation(self, on: bool) -> None:
        """Full screen, large text, only the panels a lecture needs."""
        w = self.window
        if on == self._presenting:
            return
        self._presenting = on
        if on:
            self._saved_state = bytes(w.saveState())
            self._saved_scale = getattr(w, "_font_scale", 1.0)
            for dock in w.findChildren(QDockWidget):
                if dock not in (
                    getattr(w, "derivation_dock", None),
                    self.explain_dock,
                    self.lesson_dock,
                ):
                    dock.hide()
            w.set_font_scale(self.presentation_scale)  # type: ignore[attr-defined]
            settings.set_font_scale(self._saved_scale)  # presenting is not a preference
            self.lesson_bar.set_font_scale(self.presentation_scale)
            w.showFullScreen()
        else:
            w.showNormal()
            w.set_font_scale(self._saved_scale)  # type: ignore[attr-defined]
            self.lesson_bar.set_font_scale(1.0)
            w.restoreState(self._saved_state)
        if self.action_presentation.isChecked() != on:
            self.action_presentation.setChecked(on)

    @property
    def presenting(self) -> bool:
        return self._presenting

    @Slot(bool)
    def set_high_contrast(self, on: bool) -> None:
        """Pure black on white (or white on black with the dark theme) for bright projectors."""
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        if not on:
            from bpdesk.gui.shell import settings
            from bpdesk.gui.shell.theme import apply_theme

            apply_theme(app, settings.theme())
            return
        dark = app.palette().color(QPalette.ColorRole.Window).lightness() < 128
        ink, paper = (
            (QColor("white"), QColor("black")) if dark else (QColor("black"), QColor("white"))
        )
        palette = QPalette(app.palette())
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.Button):
            palette.setColor(role, paper)
        for role in (
            QPalette.ColorRole.WindowText,
            QPalette.ColorRole.Text,
            QPalette.ColorRole.ButtonText,
        ):
            palette.setColor(role, ink)
        palette.setColor(QPalette.ColorRole.Highlight, QColor("#0044cc"))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
        app.setPalette(palette)
