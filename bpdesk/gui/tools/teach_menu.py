"""The Teach menu: the teaching docks, lessons and presentation mode added to the window."""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QFrame, QScrollArea, QWidget

from bpdesk.core.stepping.snapshot import Snapshot
from bpdesk.core.teaching.landscape import Landscape
from bpdesk.core.teaching.lesson import BUILT_IN_VIEWS, Lesson
from bpdesk.gui.shell.laser import LaserPointer
from bpdesk.gui.shell.window_api import ToolHost
from bpdesk.gui.tools.boundary import BoundaryView
from bpdesk.gui.tools.comparison_view import ComparisonView
from bpdesk.gui.tools.explain import ExplainPanel
from bpdesk.gui.tools.landscape_view import LandscapeView
from bpdesk.gui.tools.lesson_bar import LessonBar
from bpdesk.gui.tools.lesson_menu import Lessons
from bpdesk.gui.tools.practice import PracticePanel
from bpdesk.gui.tools.presentation import PRESENTATION_SCALES, Presentation, window_action
from bpdesk.gui.tools.registry import TOOLS
from bpdesk.gui.tools.tool_docks import ToolDocks, dock_action
from bpdesk.gui.views.derivation_panel import is_seen
from bpdesk.gui.workers.map_jobs import MapJobs

__all__ = ["PRESENTATION_SCALES", "TeachingTools"]

PREBUILD_DELAY_MS = 2000  # after the first snapshot, the plot-heavy views start being built
PREBUILD_GAP_MS = 300  # between two of them (the window answers in between)
PREBUILD_RETRY_MS = 1000  # while a run goes


class SnapshotView(Protocol):
    """A tool view that draws snapshots."""

    def show_snapshot(self, snapshot: Snapshot) -> None: ...


def _dock(name: str, title: str, widget: QWidget, scroll: bool = True) -> QDockWidget:
    dock = QDockWidget(title)
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


def _place(dock: QDockWidget, view: QWidget) -> None:
    scroller = dock.widget()
    assert isinstance(scroller, QScrollArea)
    scroller.setWidget(view)


class TeachingTools(QObject):
    """Adds the teaching docks, the Teach menu and presentation mode to a main window.

    Everything it asks of the window goes through the :class:`ToolHost` interface; steps
    through ``request_step`` / ``request_commands`` and their guard.
    """

    def __init__(self, host: ToolHost) -> None:
        super().__init__(host.as_parent())
        self.host = host
        self.explain = ExplainPanel()
        self.practice = PracticePanel()
        # The three plot-heavy views are built when first shown (start-up stays quick).
        self._boundary: BoundaryView | None = None
        self._landscape: LandscapeView | None = None
        self._comparison: ComparisonView | None = None
        self.lesson_bar = LessonBar()
        self._map: Snapshot | None = None  # the last snapshot whose decision map came back
        self._map_pending = False
        # The plot-heavy views are built one at a time while the window is idle, a while
        # after it opened, so that opening one from the Teach menu is only showing it.
        self._prebuild = QTimer(self)
        self._prebuild.setSingleShot(True)
        self._prebuild.timeout.connect(self._build_next_view)
        self._prebuild_started = False
        self._shut_down = False
        self._build_docks()
        self._build_menu()
        self.laser = LaserPointer(host.as_parent())  # hold L: a glow follows the mouse
        self.analysis = MapJobs(self)
        self.analysis.landscape_ready.connect(self._on_landscape)
        self.analysis.map_ready.connect(self._on_map)
        self.analysis.failed.connect(self._on_failed)
        host.when_shutting_down(self.shutdown)
        host.snapshot_shown.connect(self._on_snapshot)
        self.lesson_bar.next_requested.connect(self.next_slide)
        self.lesson_bar.previous_requested.connect(self.previous_slide)
        self.lesson_bar.closed.connect(self.close_lesson)
        self.explain.quiz = host.canvas.quiz_mask
        self.practice.quiz_mode_changed.connect(self._on_quiz_mode)
        self.practice.revealed.connect(self._on_revealed)
        snapshot = host.snapshot
        if snapshot is not None:
            self._on_snapshot(snapshot)

    # ------------------------------------------------------------ building
    def _build_docks(self) -> None:
        host = self.host
        self.explain_dock = _dock("dock_explain", "Explain", self.explain)
        self.practice_dock = _dock("dock_practice", "Practice", self.practice)
        self.boundary_dock = _dock("dock_boundary", "Decision boundary", QWidget())
        self.landscape_dock = _dock("dock_landscape", "Error landscape", QWidget())
        self.comparison_dock = _dock("dock_comparison", "Side-by-side runs", QWidget())
        self.lesson_dock = _dock("dock_lesson", "Lesson", self.lesson_bar, scroll=False)
        host.add_dock(self.explain_dock, "derivation")
        host.add_dock(self.practice_dock, "parameters")
        for dock in (self.boundary_dock, self.landscape_dock, self.comparison_dock):
            # Tabs beside the parameters: a view opened from the Teach menu gets the whole
            # right-hand column (and comes to the front).
            host.add_dock(dock, "parameters")
            dock.hide()
            dock.toggleViewAction().triggered.connect(
                lambda checked=False, d=dock: d.raise_() if checked else None
            )
        host.add_dock(self.lesson_dock, "top")
        self.lesson_dock.hide()
        for dock in (self.explain_dock, self.practice_dock, self.landscape_dock,
                     self.comparison_dock):  # fmt: skip
            dock.visibilityChanged.connect(self._on_dock_shown)
        self.boundary_dock.visibilityChanged.connect(self._on_boundary_shown)

    def _build_menu(self) -> None:
        host = self.host
        menu = host.menu("&Teach")
        for dock in (
            self.explain_dock,
            self.practice_dock,
            self.boundary_dock,
            self.landscape_dock,
            self.comparison_dock,
        ):
            menu.addAction(dock_action(dock))
        self.tool_docks = ToolDocks(host, menu, TOOLS)
        menu.addSeparator()
        self.lessons = Lessons(
            host, menu, self.lesson_bar, self.lesson_dock, self.show_view, self.view_names
        )
        self.action_lesson = self.lessons.action_lecture
        self.action_next = window_action(
            host, "action_present_next", "Next (slide or step)", ["PgDown"]
        )
        self.action_next.triggered.connect(self._on_page_down)
        self.action_previous = window_action(host, "action_present_previous", "Previous", ["PgUp"])
        self.action_previous.triggered.connect(self._on_page_up)
        menu.addAction(self.action_next)
        menu.addAction(self.action_previous)
        menu.addSeparator()
        self.presentation = Presentation(
            host,
            menu,
            self.lesson_bar,
            [self.explain_dock, self.lesson_dock],
            first_slide=lambda: self.lessons.player.first_slide(),
        )
        self.action_presentation = self.presentation.action_presentation
        self.action_contrast = self.presentation.action_contrast
        self.scale_actions = self.presentation.scale_actions

    def shutdown(self) -> None:
        """Finish the analysis and stop the side-by-side runs (safe to call twice)."""
        self._shut_down = True  # docks may go before this object: their signals are ignored
        self._prebuild.stop()
        if self._comparison is not None:
            self._comparison.shutdown()
        self.analysis.shutdown()

    # ------------------------------------------------------------ quiz mode
    @Slot(bool)
    def _on_quiz_mode(self, on: bool) -> None:
        self.host.set_quiz_mode(on)
        self.explain.redraw()

    @Slot(str)
    def _on_revealed(self, quantity: str) -> None:
        self.host.reveal(quantity)
        self.explain.redraw()

    # ------------------------------------------------------------ presentation
    @property
    def presenting(self) -> bool:
        return self.presentation.presenting

    @property
    def presentation_scale(self) -> float:
        return self.presentation.presentation_scale

    def set_presentation(self, on: bool) -> None:
        """Full screen, large text, only the panels a lecture needs."""
        self.presentation.set_presentation(on)

    def set_high_contrast(self, on: bool) -> None:
        self.presentation.set_high_contrast(on)

    # ------------------------------------------------------------ snapshots
    @Slot()
    def _build_next_view(self) -> None:
        """Build the next plot-heavy view not built yet (later again while a run goes:
        building one holds the window up for a moment)."""
        snapshot = self.host.snapshot
        if snapshot is None or snapshot.running:
            self._prebuild.start(PREBUILD_RETRY_MS)
            return
        if self._boundary is None:
            _ = self.boundary
        elif self._landscape is None:
            _ = self.landscape
        elif self._comparison is None:
            _ = self.comparison
        if None in (self._boundary, self._landscape, self._comparison):
            self._prebuild.start(PREBUILD_GAP_MS)

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if not self._prebuild_started:
            self._prebuild_started = True
            self._prebuild.start(PREBUILD_DELAY_MS)
        for name, view, dock in self._views():
            # A panel nobody can see waits: it catches up when it is shown. (Explain is told
            # every snapshot, to know what each press did; it writes only while visible.)
            if view is None or (view is not self.explain and not is_seen(dock)):
                continue
            try:
                view.show_snapshot(snapshot)
            except Exception as error:
                self._message(f"Something went wrong while drawing the {name}: {error}")
        if self._map is not None and self._map.spec != snapshot.spec:
            self._map = None
        if self.boundary_dock.isVisible():
            self._show_boundary()
        two_inputs = snapshot.inputs is not None and snapshot.inputs.shape[1] == 2
        if two_inputs and self.boundary_dock.isVisible() and not self._map_pending:
            self._map_pending = True
            self.analysis.decision_map(snapshot)

    def _views(self) -> list[tuple[str, SnapshotView | None, QDockWidget]]:
        return [
            ("explanation", self.explain, self.explain_dock),
            ("practice panel", self.practice, self.practice_dock),
            ("error landscape", self._landscape, self.landscape_dock),
            ("side-by-side runs", self._comparison, self.comparison_dock),
        ]

    @property
    def boundary(self) -> BoundaryView:
        if self._boundary is None:
            self._boundary = BoundaryView()
            self._boundary.rollback_requested.connect(self.host.roll_back_to_best)
            self._boundary.edit_requested.connect(self.host.edit_training_data)
            self._boundary.refused.connect(self.host.show_message)
            _place(self.boundary_dock, self._boundary)
        return self._boundary

    @property
    def landscape(self) -> LandscapeView:
        if self._landscape is None:
            self._landscape = LandscapeView(font_scale=lambda: self.host.font_scale)
            self._landscape.landscape_requested.connect(self._request_landscape)
            self._landscape.cancel_requested.connect(self.analysis.cancel_landscape)
            self.analysis.landscape_progress.connect(self._landscape.show_progress)
            self.analysis.landscape_cancelled.connect(self._landscape.landscape_cancelled)
            _place(self.landscape_dock, self._landscape)
            if self.host.snapshot is not None:
                self._landscape.show_snapshot(self.host.snapshot)
        return self._landscape

    @property
    def comparison(self) -> ComparisonView:
        if self._comparison is None:
            self._comparison = ComparisonView()
            _place(self.comparison_dock, self._comparison)
            if self.host.snapshot is not None:
                self._comparison.show_snapshot(self.host.snapshot)
        return self._comparison

    @Slot(bool)
    def _on_dock_shown(self, visible: bool) -> None:
        if self._shut_down:
            return
        if self.landscape_dock.isVisible():
            _ = self.landscape  # built on first show
        if self.comparison_dock.isVisible():
            _ = self.comparison
        if visible:
            # Once the docks are laid out: only then does a tab brought to the front count
            # as seen, and a tab behind another is left alone.
            QTimer.singleShot(0, self, self._catch_up_seen)

    @Slot()
    def _catch_up_seen(self) -> None:
        snapshot = self.host.snapshot
        if snapshot is not None:
            for _, view, dock in self._views():
                if view is not None and view is not self.explain and is_seen(dock):
                    view.show_snapshot(snapshot)
        self.explain.catch_up()

    def _show_boundary(self) -> None:
        snapshot = self.host.snapshot
        if snapshot is None or self._boundary is None:
            return
        mapped = self._map
        shown = snapshot
        # A map that comes back after another network was opened belongs to that one.
        if mapped is not None and mapped.decision_map is not None and mapped.spec == snapshot.spec:
            shown = replace(snapshot, decision_map=mapped.decision_map)
        try:
            self.boundary.show_snapshot(shown)
        except Exception as error:
            self._message(f"Something went wrong while drawing the decision boundary: {error}")

    @Slot(bool)
    def _on_boundary_shown(self, visible: bool) -> None:
        if visible and not self._shut_down:
            _ = self.boundary  # built on first show
            self._show_boundary()
            latest = self.host.snapshot  # a map of the weights as they are, without a step
            fresh = self._map is not None and latest is not None and self._map.seq == latest.seq
            if latest is not None and latest.inputs is not None and latest.inputs.shape[1] == 2:
                if not self._map_pending and not fresh:
                    self._map_pending = True
                    self.analysis.decision_map(latest)

    def _message(self, text: str) -> None:
        self.host.show_message(text)

    # ------------------------------------------------------------ analysis results
    @Slot(str, str, float, int)
    def _request_landscape(self, first: str, second: str, span: float, size: int) -> None:
        snapshot = self.host.snapshot
        if snapshot is not None:
            plan = self.landscape.descent_plan()  # the descent paths, and the range to follow
            self.analysis.landscape(snapshot, first, second, span, size, plan)

    @Slot(object)
    def _on_landscape(self, landscape: object) -> None:
        if isinstance(landscape, Landscape):
            self.landscape.show_landscape(landscape)

    @Slot(object)
    def _on_map(self, mapped: object) -> None:
        self._map_pending = False
        if isinstance(mapped, Snapshot):
            self._map = mapped
            self._show_boundary()
            latest = self.host.snapshot  # newer data or weights came meanwhile: map them too
            if latest is not None and latest.seq != mapped.seq and self.boundary_dock.isVisible():
                if latest.inputs is not None and latest.inputs.shape[1] == 2:
                    self._map_pending = True
                    self.analysis.decision_map(latest)

    @Slot(str, str)
    def _on_failed(self, what: str, detail: str) -> None:
        self._map_pending = False
        self._message(f"The {what} could not be computed: {detail}")

    # ------------------------------------------------------------ lessons
    # (Teach → Lessons, Open lesson… and the player: lesson_menu.py, lesson_player.py)
    @property
    def lesson(self) -> Lesson | None:
        return self.lessons.player.lesson

    @property
    def slide(self) -> int:
        return self.lessons.player.slide

    @Slot()
    def _open_lecture_lesson(self) -> None:
        self.lessons.open_lecture_lesson()

    def open_lesson(self, path: str) -> bool:
        """Start the lesson in ``path`` (False, one plain message, nothing changed: refused)."""
        return self.lessons.open_lesson(path)

    @Slot()
    def next_slide(self) -> bool:
        """The next slide, through the window's guard (False: refused)."""
        return self.lessons.player.next_slide()

    @Slot()
    def previous_slide(self) -> bool:
        """Back one slide, its state rebuilt (False: refused)."""
        return self.lessons.player.previous_slide()

    @Slot()
    def close_lesson(self) -> None:
        self.lessons.close()

    def view_names(self) -> list[str]:
        """The views a lesson may show: the built-in docks and the registry's."""
        return [*BUILT_IN_VIEWS, *self.tool_docks.specs]

    def show_view(self, name: str) -> None:
        """Bring the view ``name`` to the front (``comparison:<kind>`` also picks a kind)."""
        view, _, kind = name.partition(":")
        docks = {
            "landscape": self.landscape_dock,
            "comparison": self.comparison_dock,
            "boundary": self.boundary_dock,
            "explain": self.explain_dock,
            "practice": self.practice_dock,
        }
        try:
            if view in docks:
                docks[view].show()
                docks[view].raise_()
                if kind:
                    self.comparison.set_kind(kind)
            else:
                self.tool_docks.show_view(view)
        except (KeyError, ValueError):
            self._message(f"This bpdesk has no view called “{name}”: the lesson goes on without.")

    @Slot()
    def _on_page_down(self) -> None:
        snapshot = self.host.snapshot
        if self.lesson is not None:
            self.next_slide()
        elif snapshot is not None and not snapshot.running:
            self.host.request_step(snapshot.phase)

    @Slot()
    def _on_page_up(self) -> None:
        if self.lesson is not None:
            self.previous_slide()
        else:
            self.host.request_commands(["back"])
