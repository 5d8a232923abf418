"""The practice panel: the student computes a number of the step, types it and has it checked."""

from __future__ import annotations

from bpdesk.gui.tools.practice.panel import PracticePanel
from bpdesk.gui.tools.practice.quantities import Quantity, quantities

__all__ = ["PracticePanel", "Quantity", "quantities"]
