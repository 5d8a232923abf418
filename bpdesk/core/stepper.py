"""The step machine under the path scripts already use; it lives in ``bpdesk.core.stepping``."""

from bpdesk.core.stepping.stepper import Stepper

__all__ = ["Stepper"]
