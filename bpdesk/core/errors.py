"""The errors bpdesk reports to people: each message is a plain sentence a student can act on."""

from __future__ import annotations

__all__ = ["BpdeskError", "ConfigError", "DataError", "SessionError"]


class BpdeskError(ValueError):
    """Base class: ``str(error)`` is the whole message shown to the user."""


class ConfigError(BpdeskError):
    """A network shape, hyper-parameter or option that cannot be used."""


class DataError(BpdeskError):
    """A data set or data file that cannot be used (the message names the line)."""


class SessionError(BpdeskError):
    """A session file that cannot be loaded (the message names the field)."""
