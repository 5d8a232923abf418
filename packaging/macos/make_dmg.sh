#!/usr/bin/env bash
# Build bpdesk.app and pack it into dist/bpdesk-VERSION-macos-ARCH.dmg (run on macOS).
#
# Usage: packaging/macos/make_dmg.sh [--skip-build]
#   --skip-build   use the dist/bpdesk.app already there
# Needs: Python with bpdesk's dependencies and PyInstaller, and macOS's hdiutil.
# Set MACOS_SIGN_IDENTITY to a "Developer ID Application: …" identity to sign with it;
# without it the app keeps PyInstaller's ad-hoc signature (fine on the machine that built it;
# elsewhere Gatekeeper asks the user to allow it under System Settings → Privacy & Security).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
BUILD=1
[ "${1:-}" = "--skip-build" ] && BUILD=0
cd "$ROOT"

if [ "$(uname -s)" != Darwin ]; then
  echo "make_dmg.sh: hdiutil and .app bundles need macOS" >&2
  exit 1
fi
VERSION="$("$PYTHON" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read()).group(1))' bpdesk/_version.py)"
ARCH="$(uname -m)"
APP="$ROOT/dist/bpdesk.app"

if [ "$BUILD" = 1 ]; then
  "$PYTHON" packaging/make_icons.py packaging/build/icons
  BPDESK_ICONS="$ROOT/packaging/build/icons" "$PYTHON" -m PyInstaller --noconfirm --clean \
    --distpath "$ROOT/dist" --workpath "$ROOT/packaging/build/pyinstaller-work" \
    packaging/bpdesk.spec
fi
[ -d "$APP" ] || { echo "make_dmg.sh: $APP is missing" >&2; exit 1; }

# The .bpdesk document type must be in the bundle's Info.plist.
/usr/libexec/PlistBuddy -c "Print :CFBundleDocumentTypes:0:LSItemContentTypes:0" \
  "$APP/Contents/Info.plist" | grep -qx "io.github.bpdesk.session"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$MACOS_SIGN_IDENTITY" "$APP"
fi
codesign --verify --deep --strict "$APP"

# The disk image: the app beside a link to /Applications, to drag it onto.
STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="$ROOT/dist/bpdesk-$VERSION-macos-$ARCH.dmg"
rm -f "$DMG"
hdiutil create -volname "bpdesk $VERSION" -srcfolder "$STAGE" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$DMG"
hdiutil verify "$DMG"
echo "wrote $DMG ($(du -h "$DMG" | cut -f1))"
