"""A gate in front of the call a worker makes once a chunk: counts chunks, holds one on demand."""

from __future__ import annotations

import threading
from typing import Any


class ChunkGate:
    """Wraps ``owner.name`` (called once a chunk, on the worker's thread): counts the calls,
    and once held, keeps the next call waiting inside until released.

    Lets a test ask for a pause or stop while a chunk is surely in progress, then check
    that no further chunk ran: no clock involved.
    """

    def __init__(self, owner: Any, name: str) -> None:
        self._call = getattr(owner, name)
        self.calls = 0
        self.entered = threading.Event()  # a chunk is waiting at the gate
        self._open = threading.Event()
        self._open.set()
        setattr(owner, name, self._chunk)

    def _chunk(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if not self._open.is_set():
            self.entered.set()
            self._open.wait()
        return self._call(*args, **kwargs)

    def hold(self) -> None:
        """Keep the next chunk waiting inside the call."""
        self.entered.clear()
        self._open.clear()

    def release(self) -> None:
        self._open.set()
