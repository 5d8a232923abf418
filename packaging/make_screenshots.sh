#!/usr/bin/env bash
# Regenerates the README's screenshots with `bpdesk --screenshot` (offscreen, 1600×900).
set -euo pipefail
cd "$(dirname "$0")/.."
out=packaging/screenshots
mkdir -p "$out"
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
# Default settings (text size, layout), not this machine's.
BPDESK_SETTINGS_DIR="$(mktemp -d)"
export BPDESK_SETTINGS_DIR
shot() { python3 -m bpdesk --screenshot "$out/$1.png" "${@:2}"; }
shot 1-start --preset lecture
shot 2-forward --preset lecture --steps forward
shot 3-backward --preset lecture --steps forward,backward
shot 4-update --preset lecture --steps forward,backward,update
shot 5-trained --preset lecture --steps run:10000
shot 6-spirals --preset spirals --steps run:4000,full
shot 7-digits --preset digits --steps run:300,forward
# Presentation mode on a 1024×768 projector: a real X11 screen of that size (Xvfb).
if command -v xvfb-run >/dev/null; then
  present() {
    xvfb-run -a -s "-screen 0 1024x768x24" env QT_QPA_PLATFORM=xcb \
      python3 -m bpdesk --screenshot "$out/$1.png" --present "${@:2}"
  }
  present 8-present-1024-backward --preset lecture --steps forward,backward
  present 9-present-1024-update --preset lecture --steps forward,backward,update
fi
echo "screenshots in $out"
