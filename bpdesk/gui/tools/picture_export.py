"""Pictures of a view for slides: the views one can picture, their sizes, PNG and SVG.

A picture is drawn at the size asked for, never enlarged from a screen grab: the network
drawing's scene is drawn afresh into the picture; any other view is laid out for a while
at the picture's shape and drawn at a pixel ratio that fills the picture, so its text and
lines are as sharp as the picture's pixels allow.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPaintDevice, QPainter, QPalette
from PySide6.QtOpenGLWidgets import QOpenGLWidget
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QDockWidget, QGraphicsItem, QGraphicsView, QScrollArea, QWidget

from bpdesk.core.errors import BpdeskError
from bpdesk.gui.shell.window_api import ToolHost

__all__ = [
    "PICTURE_SIZES",
    "PRINT_DPI",
    "PictureView",
    "picture_views",
    "render_picture",
    "render_view",
    "save_picture",
    "target_size",
]

PRINT_DPI = 300
A5_LANDSCAPE_MM = (210.0, 148.0)
# The sizes offered, by key: (what the menu says, the size in pixels; None: as on screen).
PICTURE_SIZES: dict[str, tuple[str, QSize | None]] = {
    "1920x1080": ("Projector 1920×1080", QSize(1920, 1080)),
    "1024x768": ("Projector 1024×768", QSize(1024, 768)),
    "print-a5": (
        "Print 300 dpi (A5 landscape)",
        QSize(*(round(mm / 25.4 * PRINT_DPI) for mm in A5_LANDSCAPE_MM)),
    ),
    "screen": ("Its size on screen", None),
}
MARGIN = 0.03  # of the picture's smaller side, around the network drawing


@dataclass(frozen=True)
class PictureView:
    """A view one can take a picture of: a short name, its title, the widget."""

    name: str
    title: str
    widget: QWidget
    scene: bool = False  # a drawing whose whole scene is the picture (the network drawing)
    banner: QWidget | None = None  # drawn above the scene (a lesson's title and caption)

    @property
    def vector(self) -> bool:
        """Whether it can be drawn as SVG (no OpenGL surface inside)."""
        return not self.widget.findChildren(QOpenGLWidget) and not isinstance(
            self.widget, QOpenGLWidget
        )


def _content(dock: QDockWidget) -> QWidget | None:
    """What a dock shows (inside its scroll area, if it has one); None while not built."""
    widget: QWidget | None = dock.widget()
    if isinstance(widget, QScrollArea):
        widget = widget.widget()
    if widget is None or (type(widget) is QWidget and not widget.children()):
        return None  # an empty placeholder: the view is built when first shown
    return widget


def picture_views(host: ToolHost) -> list[PictureView]:
    """The network drawing, then every view whose dock is open and built (the error plot
    first), in the window's order."""
    views = [PictureView("canvas", "Network drawing", host.canvas, scene=True)]
    docks = host.as_parent().findChildren(QDockWidget)
    docks.sort(key=lambda d: (d.objectName() != "dock_error_plot", d.objectName()))
    for dock in docks:
        content = _content(dock)
        if dock.isHidden() or content is None or content is host.canvas:
            continue
        name = dock.objectName().removeprefix("dock_") or dock.windowTitle()
        if name == "error_plot":
            # The plot itself, without its buttons and read-outs.
            content = getattr(content, "plot_widget", content)
        if name == "lesson":  # a slide: its title and caption above the network drawing
            views.append(PictureView(name, "Lesson slide", host.canvas, True, content))
            continue
        views.append(PictureView(name, dock.windowTitle(), content))
    return views


def target_size(view: PictureView, size_key: str) -> QSize:
    """The picture's size in pixels for ``size_key`` (a :data:`PICTURE_SIZES` key)."""
    size = PICTURE_SIZES[size_key][1]
    if size is not None:
        return QSize(size)
    ratio = view.widget.devicePixelRatioF()
    shown = view.widget.size()
    if view.banner is not None:  # a slide: the bar above the drawing, as on screen
        shown = QSize(shown.width(), shown.height() + view.banner.height())
    return QSize(max(1, round(shown.width() * ratio)), max(1, round(shown.height() * ratio)))


def _background(widget: QWidget) -> QColor:
    if isinstance(widget, QGraphicsView):
        return widget.backgroundBrush().color()
    return widget.palette().color(QPalette.ColorRole.Window)


def _scene_rect(view: QGraphicsView) -> QRectF:
    rect = view.scene().itemsBoundingRect()
    pad = MARGIN * min(rect.width(), rect.height())
    return rect.adjusted(-pad, -pad, pad, pad)


def _draw_banner(banner: QWidget, painter: QPainter, size: QSize) -> float:
    """``banner`` across the top of the picture, its text about as large a share of the
    picture as of a 1280-pixel-wide screen; how tall it is drawn (in pixels)."""
    scale = max(1.0, size.width() / 1280)
    with _LaidOut(banner, QSize(round(size.width() / scale), banner.height())):
        height = banner.height()
        painter.save()
        painter.scale(scale, scale)
        painter.fillRect(QRectF(0, 0, banner.width(), height), _background(banner))
        QWidget.render(banner, painter, QPoint(0, 0))
        painter.restore()
    return height * scale


def _draw_scene(
    view: QGraphicsView, device: QPaintDevice, size: QSize, banner: QWidget | None = None
) -> None:
    """The whole drawing, fitted into ``size`` on ``device`` (kept in proportion), below
    ``banner`` if there is one (a lesson's slide: its title and caption)."""
    painter = QPainter(device)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRect(QPoint(0, 0), size), _background(view))
    top = _draw_banner(banner, painter, size) if banner is not None else 0.0
    room = QRectF(0, top, size.width(), max(1.0, size.height() - top))
    source = _scene_rect(view)
    scale = min(room.width() / source.width(), room.height() / source.height())
    width, height = source.width() * scale, source.height() * scale
    target = QRectF(
        (room.width() - width) / 2, room.top() + (room.height() - height) / 2, width, height
    )
    view.scene().render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
    painter.end()


def _layout_size(widget: QWidget, size: QSize) -> tuple[QSize, float]:
    """The size to lay ``widget`` out at and the pixel ratio that makes it ``size``: in the
    picture's shape, at least as wide and as tall as on screen (so nothing seen there is
    cut off), never below its minimum size."""
    shown = widget.size() if widget.width() > 10 and widget.height() > 10 else widget.sizeHint()
    fits = min(size.width() / max(1, shown.width()), size.height() / max(1, shown.height()))
    ratio = min(4.0, max(0.5, fits))
    width, height = size.width() / ratio, size.height() / ratio
    least = widget.minimumSizeHint()
    grow = max(1.0, least.width() / width, least.height() / height)  # same shape, larger
    layout = QSize(max(1, round(width * grow)), max(1, round(height * grow)))
    return layout, min(size.width() / layout.width(), size.height() / layout.height())


class _LaidOut:
    """``with _LaidOut(widget, size):`` the widget laid out at ``size`` with its plots'
    pixel caches off (so that axes are drawn as lines and text, at the picture's
    resolution), then as it was."""

    def __init__(self, widget: QWidget, size: QSize) -> None:
        self.widget = widget
        self.size = size
        self.before = widget.size()
        self.views: list[tuple[QGraphicsView, QGraphicsView.CacheModeFlag]] = []
        self.items: list[tuple[QGraphicsItem, QGraphicsItem.CacheMode]] = []
        self.symbols: list[dict[str, object]] = []

    def __enter__(self) -> None:
        views = [self.widget] if isinstance(self.widget, QGraphicsView) else []
        for view in [*views, *self.widget.findChildren(QGraphicsView)]:
            self.views.append((view, view.cacheMode()))
            view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
            for item in view.scene().items() if view.scene() is not None else []:
                self.items.append((item, item.cacheMode()))
                item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
                options = getattr(item, "opts", None)  # a plot's point symbols, as shapes
                if isinstance(options, dict) and options.get("useCache") is True:
                    options["useCache"] = False
                    self.symbols.append(options)
        self.widget.resize(self.size)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def __exit__(self, *_: object) -> None:
        self.widget.resize(self.before)
        for item, mode in self.items:
            item.setCacheMode(mode)
        for options in self.symbols:
            options["useCache"] = True
        for view, flags in self.views:
            view.setCacheMode(flags)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _draw_widget(widget: QWidget, size: QSize) -> QImage:
    layout, ratio = _layout_size(widget, size)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(_background(widget))
    image.setDevicePixelRatio(ratio)
    with _LaidOut(widget, layout):
        scratch = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        scratch.setDevicePixelRatio(ratio)
        # (QWidget's own render: a graphics view's would draw its scene instead.)
        QWidget.render(widget, scratch)  # a first drawing lets plot axes fit their labels
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        laid = widget.size()  # a view with a largest size may not take the whole picture
        offset = QPoint(
            max(0, round((size.width() / ratio - laid.width()) / 2)),
            max(0, round((size.height() / ratio - laid.height()) / 2)),
        )
        QWidget.render(widget, image, offset)
    image.setDevicePixelRatio(1.0)
    return image


def render_view(view: PictureView, size: QSize | None) -> QImage:
    """``view`` drawn into a picture of ``size`` pixels (None: as it is on screen)."""
    widget = view.widget
    if size is None and view.banner is not None:
        size = QSize(widget.width(), widget.height() + view.banner.height())
    if size is None:
        image = widget.grab().toImage()
        image.setDevicePixelRatio(1.0)
        return image
    if view.scene and isinstance(widget, QGraphicsView):
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        _draw_scene(widget, image, size, view.banner)
        return image
    return _draw_widget(widget, size)


def render_picture(view: PictureView, size_key: str) -> QImage:
    """``view`` as a picture of the size ``size_key`` names."""
    image = render_view(view, PICTURE_SIZES[size_key][1])
    if size_key == "print-a5":
        dots_per_metre = round(PRINT_DPI / 0.0254)
        image.setDotsPerMeterX(dots_per_metre)
        image.setDotsPerMeterY(dots_per_metre)
    return image


def _write_svg(view: PictureView, size_key: str, path: str) -> None:
    size = target_size(view, size_key)
    widget = view.widget
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setTitle(f"bpdesk: {view.title}")
    if size_key == "print-a5":
        generator.setResolution(PRINT_DPI)
    if view.scene and isinstance(widget, QGraphicsView):
        generator.setSize(size)
        generator.setViewBox(QRect(QPoint(0, 0), size))
        _draw_scene(widget, generator, size, view.banner)
        return
    layout, _ = _layout_size(widget, size)
    generator.setSize(layout)
    generator.setViewBox(QRect(QPoint(0, 0), layout))
    with _LaidOut(widget, layout):
        painter = QPainter(generator)
        painter.fillRect(QRect(QPoint(0, 0), layout), _background(widget))
        QWidget.render(widget, painter, QPoint(0, 0))
        painter.end()


def save_picture(view: PictureView, size_key: str, path: str) -> None:
    """Write ``view`` at ``size_key`` to ``path``: SVG by the ending .svg, else PNG
    (OSError if it was not written)."""
    if path.lower().endswith(".svg"):
        if not view.vector:
            raise BpdeskError(f"the {view.title.lower()} has a 3-D surface, which SVG cannot hold.")
        _write_svg(view, size_key, path)
        return
    image = render_picture(view, size_key)
    if image.isNull() or not image.save(path):  # PNG: the name ends in .png
        raise OSError(f"The picture could not be written to {path}.")
