"""bpdesk: a desktop application that teaches backpropagation."""

from bpdesk._version import __version__

__all__ = ["__version__"]
