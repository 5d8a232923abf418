"""Plain words for failures: what a person reads instead of exception names and errno codes."""

from __future__ import annotations

import errno

__all__ = ["internal_reason", "os_error_words"]

# The errno codes a person meets when saving or opening files, in words.
_OS_ERROR_WORDS = {
    errno.EROFS: "the disk or folder is read-only",
    errno.ENOSPC: "there is no space left on the disk",
    errno.EACCES: "permission was denied",
    errno.EPERM: "permission was denied",
    errno.ENOENT: "the file or the folder it should be in does not exist",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "the name is a folder, not a file",
    errno.EEXIST: "a file of that name is in the way",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EMFILE: "too many files are open",
    errno.EBUSY: "the file is in use",
    errno.EIO: "the disk could not be read or written",
    errno.EINVAL: "the name or place cannot hold a file",
}


def os_error_words(error: OSError) -> str:
    """Why the file could not be read or written, in words (no errno, no file names)."""
    words = _OS_ERROR_WORDS.get(error.errno or 0)
    if words is not None:
        return words
    if isinstance(error, PermissionError):
        return "permission was denied"
    if isinstance(error, FileNotFoundError):
        return "the file or the folder it should be in does not exist"
    return "the disk or the operating system refused it"


def internal_reason(error: BaseException) -> str:
    """A short plain reason for an unexpected error, for the line asking to report it."""
    if isinstance(error, MemoryError):
        return "it ran out of memory"
    if isinstance(error, RecursionError):
        return "something nested too deeply"
    if isinstance(error, OSError):
        return os_error_words(error)
    if isinstance(error, FloatingPointError):
        return "a calculation overflowed (its numbers grew too large)"
    if isinstance(error, ArithmeticError):
        return "a number was out of range"
    if isinstance(error, ValueError):
        return "a value could not be used"
    if isinstance(error, LookupError):
        return "something it looked for was missing"
    if isinstance(error, TypeError):
        return "a value was of the wrong kind"
    return "an unexpected problem"
