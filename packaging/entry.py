"""The frozen bundle's start script: runs bpdesk's app, or its CLI when called as bpdesk-cli."""

import os
import sys


def _run() -> int:
    name = os.path.basename(sys.argv[0]).lower()
    if name.startswith("bpdesk-cli") or sys.argv[1:2] == ["cli"]:
        from bpdesk.cli import main as cli_main

        if sys.argv[1:2] == ["cli"]:
            del sys.argv[1]
        return cli_main()
    from bpdesk.app import main

    return main()


if __name__ == "__main__":
    raise SystemExit(_run())
