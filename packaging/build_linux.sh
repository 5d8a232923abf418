#!/usr/bin/env bash
# Build bpdesk's Linux artefacts from a checkout, in one command:
#   dist/bpdesk/                               the one-folder bundle (PyInstaller)
#   dist/bpdesk-VERSION-linux-x86_64.tar.gz    that bundle, packed
#   dist/bpdesk_VERSION_amd64.deb              installs to /opt/bpdesk with desktop integration
#   dist/bpdesk.AppDir/                        ready for appimagetool
#
# Usage: packaging/build_linux.sh [--out DIR] [--work DIR] [--skip-deb] [--skip-appdir]
# Needs: Python with bpdesk's dependencies and PyInstaller (installed here if missing),
# dpkg-deb and binutils (strip, objdump). desktop-file-validate and appstreamcli, when present,
# check the desktop entry and the AppStream file.
set -euo pipefail
umask 022

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/dist"
WORK="$ROOT/packaging/build"
MAKE_DEB=1
MAKE_APPDIR=1
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --skip-deb) MAKE_DEB=0; shift ;;
    --skip-appdir) MAKE_APPDIR=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build_linux.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT" "$WORK"
OUT="$(cd "$OUT" && pwd)"
WORK="$(cd "$WORK" && pwd)"

PYTHON="${PYTHON:-python3}"
APP_ID=io.github.bpdesk.bpdesk
LINUX="$ROOT/packaging/linux"
VERSION="$("$PYTHON" -c 'import re,sys; print(re.search(r"__version__\s*=\s*\"([^\"]+)\"", open(sys.argv[1]).read()).group(1))' "$ROOT/bpdesk/_version.py")"
ARCH="$(uname -m)"
DEB_ARCH="$(dpkg --print-architecture 2>/dev/null || echo amd64)"

say() { printf '== %s\n' "$*"; }
seconds() { date +%s.%N; }
elapsed() { "$PYTHON" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(seconds)"; }
megabytes() { du -sb "$1" | awk '{printf "%.1f", $1 / 1e6}'; }

if ! grep -q "<release version=\"$VERSION\"" "$LINUX/$APP_ID.metainfo.xml"; then
  echo "build_linux.sh: $APP_ID.metainfo.xml has no <release> for version $VERSION" >&2
  exit 1
fi
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  say "installing PyInstaller (a build tool, not a dependency of bpdesk)"
  "$PYTHON" -m pip install -q "pyinstaller>=6.10"
fi

# 1. Icons, rendered from the SVG.
started="$(seconds)"
say "icons"
"$PYTHON" "$ROOT/packaging/make_icons.py" "$WORK/icons"

# 2. The bundle.
say "bundle (PyInstaller)"
BPDESK_ICONS="$WORK/icons" "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$WORK/pyinstaller-dist" --workpath "$WORK/pyinstaller-work" \
  "$ROOT/packaging/bpdesk.spec"
BUNDLE="$OUT/bpdesk"
rm -rf "$BUNDLE"
mv "$WORK/pyinstaller-dist/bpdesk" "$BUNDLE"
# Python's own libraries carry debugging symbols; Qt's come stripped. NumPy's must not be
# stripped (its libraries are patched so that strip corrupts them), so only these are.
find "$BUNDLE/_internal" -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-unneeded {} +
find "$BUNDLE/_internal" -path '*/lib-dynload/*.so' -type f -exec strip --strip-unneeded {} +
find "$BUNDLE/_internal" -name 'libQt6*.so*' -type f -exec strip --strip-unneeded {} +
ln -sfn bpdesk "$BUNDLE/bpdesk-cli"
bundle_seconds="$(elapsed "$started")"

# 3. The tar.gz.
say "tar.gz"
started_tar="$(seconds)"
TARBALL="$OUT/bpdesk-$VERSION-linux-$ARCH.tar.gz"
tar -C "$OUT" --owner=0 --group=0 --numeric-owner \
  --transform "s,^bpdesk,bpdesk-$VERSION," -czf "$TARBALL" bpdesk
tar_seconds="$(elapsed "$started_tar")"

# The desktop integration files, laid out under a prefix ($1) for the .deb and the AppDir.
install_share() {
  local prefix="$1"
  install -Dm644 "$LINUX/$APP_ID.desktop" "$prefix/share/applications/$APP_ID.desktop"
  install -Dm644 "$LINUX/$APP_ID.metainfo.xml" "$prefix/share/metainfo/$APP_ID.metainfo.xml"
  install -Dm644 "$LINUX/$APP_ID.mime.xml" "$prefix/share/mime/packages/$APP_ID.xml"
  local icon size
  for icon in "$WORK"/icons/hicolor/*/apps/"$APP_ID".*; do
    size="$(basename "$(dirname "$(dirname "$icon")")")"
    install -Dm644 "$icon" "$prefix/share/icons/hicolor/$size/apps/$(basename "$icon")"
    # The same picture stands for .bpdesk files in file managers.
    install -Dm644 "$icon" \
      "$prefix/share/icons/hicolor/$size/mimetypes/application-x-bpdesk-session.${icon##*.}"
  done
}

validate() {
  local tree="$1"
  if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$tree/share/applications/$APP_ID.desktop"
  else
    say "desktop-file-validate not found: desktop entry not checked"
  fi
  if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net "$tree/share/metainfo/$APP_ID.metainfo.xml"
  else
    say "appstreamcli not found: AppStream file not checked"
  fi
}

# 4. The .deb: /opt/bpdesk, launchers in /usr/bin, desktop integration under /usr/share.
# (Debian's desktop-file-utils, shared-mime-info and hicolor-icon-theme refresh their caches
# through dpkg triggers, so the package needs no maintainer scripts.)
DEB=""
if [ "$MAKE_DEB" = 1 ]; then
  say ".deb"
  started_deb="$(seconds)"
  STAGE="$WORK/deb-root"
  rm -rf "$STAGE"
  mkdir -p "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/DEBIAN"
  cp -a "$BUNDLE" "$STAGE/opt/bpdesk"
  ln -s ../../opt/bpdesk/bpdesk "$STAGE/usr/bin/bpdesk"
  ln -s ../../opt/bpdesk/bpdesk-cli "$STAGE/usr/bin/bpdesk-cli"
  install_share "$STAGE/usr"
  install -Dm644 "$LINUX/copyright" "$STAGE/usr/share/doc/bpdesk/copyright"
  validate "$STAGE/usr"
  # The newest C library symbol any bundled file asks for sets the least libc6.
  glibc="$(find "$STAGE/opt/bpdesk" -type f \( -name '*.so*' -o -name bpdesk \) \
    -exec objdump -T {} + 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
  glibc="${glibc#GLIBC_}"
  installed_kb="$(du -sk "$STAGE" --exclude=DEBIAN | cut -f1)"
  sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$DEB_ARCH/" -e "s/@GLIBC@/${glibc:-2.28}/" \
    -e "s/@INSTALLED_SIZE@/$installed_kb/" "$LINUX/control.in" > "$STAGE/DEBIAN/control"
  DEB="$OUT/bpdesk_${VERSION}_$DEB_ARCH.deb"
  dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
  deb_seconds="$(elapsed "$started_deb")"
fi

# 5. The AppDir: appimagetool packs it into an AppImage (not run here; see README.md).
if [ "$MAKE_APPDIR" = 1 ]; then
  say "AppDir"
  APPDIR="$OUT/bpdesk.AppDir"
  rm -rf "$APPDIR"
  mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/bin"
  cp -a "$BUNDLE" "$APPDIR/usr/lib/bpdesk"
  ln -s ../lib/bpdesk/bpdesk "$APPDIR/usr/bin/bpdesk"
  ln -s ../lib/bpdesk/bpdesk-cli "$APPDIR/usr/bin/bpdesk-cli"
  install_share "$APPDIR/usr"
  install -m755 "$LINUX/AppRun" "$APPDIR/AppRun"
  cp "$LINUX/$APP_ID.desktop" "$APPDIR/$APP_ID.desktop"
  cp "$WORK/icons/hicolor/256x256/apps/$APP_ID.png" "$APPDIR/$APP_ID.png"
  ln -s "$APP_ID.png" "$APPDIR/.DirIcon"
  validate "$APPDIR/usr"
fi

total_seconds="$(elapsed "$started")"
say "done in ${total_seconds} s (icons and bundle ${bundle_seconds} s, tar.gz ${tar_seconds} s${DEB:+, .deb ${deb_seconds} s})"
printf '%-44s %8s MB\n' "bundle $BUNDLE (unpacked)" "$(megabytes "$BUNDLE")"
printf '%-44s %8s MB\n' "$(basename "$TARBALL")" "$(megabytes "$TARBALL")"
[ -n "$DEB" ] && printf '%-44s %8s MB\n' "$(basename "$DEB")" "$(megabytes "$DEB")"
exit 0
