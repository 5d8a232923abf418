"""The built-in presets under the path scripts already use; they live in ``bpdesk.core.files``."""

from bpdesk.core.files.presets import PRESETS, Preset, get_preset

__all__ = ["PRESETS", "Preset", "get_preset"]
