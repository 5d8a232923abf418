"""Teach ▸ Gradient descent on one weight: the slides' J(θ1) with its tangent and steps."""

from bpdesk.gui.tools.descent_view.view import DescentView, build

__all__ = ["DescentView", "build"]
