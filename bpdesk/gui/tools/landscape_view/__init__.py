"""The error-landscape tool: E over two chosen parameters as a contour map and a 3-D surface."""

from bpdesk.gui.tools.landscape_view.view import GL_MISSING, LandscapeView

__all__ = ["GL_MISSING", "LandscapeView"]
