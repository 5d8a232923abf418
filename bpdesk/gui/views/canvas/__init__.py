"""The network canvas: the network drawn as neurons and links with every number of the step."""

from bpdesk.gui.views.canvas.view import NetworkCanvas

__all__ = ["NetworkCanvas"]
