"""Entry point: ``python -m bpdesk`` and the ``bpdesk`` launcher start the app."""

from bpdesk.app import main

__all__ = ["main"]

if __name__ == "__main__":
    raise SystemExit(main())
