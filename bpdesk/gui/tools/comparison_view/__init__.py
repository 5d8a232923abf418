"""The comparison tool: several training runs side by side, their error curves and restarts."""

from bpdesk.gui.tools.comparison_view.plots import COLOURS
from bpdesk.gui.tools.comparison_view.view import ComparisonView

__all__ = ["COLOURS", "ComparisonView"]
