"""The decision-boundary tool: the output map, data points, hidden neurons and error per epoch."""

from bpdesk.gui.tools.boundary.thumbnails import MAX_PER_LAYER, MAX_THUMBNAILS, thumbnail_plan
from bpdesk.gui.tools.boundary.view import BoundaryView

__all__ = ["MAX_PER_LAYER", "MAX_THUMBNAILS", "BoundaryView", "thumbnail_plan"]
