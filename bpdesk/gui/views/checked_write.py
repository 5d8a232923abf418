"""Writing an export so that it lands whole at its path, or is said plainly not to have."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from bpdesk.core.errors import BpdeskError
from bpdesk.core.plain_words import os_error_words

__all__ = ["write_checked"]


def _new_file_mode(target: Path) -> int:
    """The permissions the file gets: those of the file it replaces, else the usual ones."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_checked(path: str, write: Callable[[str], object], what: str) -> str | None:
    """``write(temporary)`` into a new file beside ``path``, then put it in ``path``'s place.

    The folder is checked for writing before anything is drawn or computed (a temporary
    file is made there first), and the file is checked to hold something before it replaces
    ``path``. None when ``what`` (e.g. "The drawing") was saved; otherwise the one plain
    sentence saying why not, and ``path`` is as it was.
    """
    target = Path(path)
    failed = f"{what} could not be saved to {target}"
    if target.is_dir():
        return f"{failed}: that name is a folder, not a file."
    try:
        handle, temporary = tempfile.mkstemp(
            prefix=".bpdesk-export-", suffix=target.suffix, dir=target.parent
        )
        os.close(handle)
    except OSError as error:
        return f"{failed}: {os_error_words(error)}."
    try:
        write(temporary)
        if os.path.getsize(temporary) == 0:
            return f"{failed}: nothing could be written."
        os.chmod(temporary, _new_file_mode(target))
        os.replace(temporary, target)
    except BpdeskError as error:
        return f"{failed}: {error}"
    except OSError as error:
        return f"{failed}: {os_error_words(error)}."
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return None
