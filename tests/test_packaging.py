"""Installers: desktop files and icons; (slow) the Linux bundle, .deb and AppDir, built and run."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import select
import shutil
import struct
import subprocess
import tarfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from bpdesk._version import __version__

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
LINUX = PACKAGING / "linux"
APP_ID = "io.github.bpdesk.bpdesk"
MIME_TYPE = "application/x-bpdesk-session"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 96, 128, 256, 512)
TOL = 1e-8
BUNDLE_GOAL_MB = 190
DEB_GOAL_MB = 60
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _load_make_icons():
    """packaging/make_icons.py, a script run by path, loaded as a module."""
    spec = importlib.util.spec_from_file_location("make_icons", PACKAGING / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_icons = _load_make_icons()


def needs(tool: str):
    return pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a bundled bpdesk: no Python paths of this interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
    env.update(extra)
    return env


def run(args, timeout: float = 90, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kwargs
    )


def desktop_entry(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if "=" in line)


# Static checks of the files the installers carry.


def test_desktop_entry_names_the_app_its_icon_and_session_files():
    path = LINUX / f"{APP_ID}.desktop"
    entry = desktop_entry(path)
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split() == ["bpdesk", "%f"]
    assert MIME_TYPE in entry["MimeType"].split(";")
    assert entry["Terminal"] == "false"


@needs("desktop-file-validate")
def test_desktop_entry_is_valid():
    result = run(["desktop-file-validate", LINUX / f"{APP_ID}.desktop"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stdout.lower()


def test_metainfo_matches_the_desktop_entry_and_this_version():
    root = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.find("provides/mediatype").text == MIME_TYPE
    versions = [r.get("version") for r in root.iter("release")]
    assert __version__ in versions


@needs("appstreamcli")
def test_metainfo_is_valid():
    result = run(["appstreamcli", "validate", "--no-net", LINUX / f"{APP_ID}.metainfo.xml"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mime_type_claims_bpdesk_files():
    root = ET.parse(LINUX / f"{APP_ID}.mime.xml").getroot()
    (mime,) = root.findall(f"{MIME_NS}mime-type")
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall(f"{MIME_NS}glob")] == ["*.bpdesk"]
    assert mime.find(f"{MIME_NS}sub-class-of").get("type") == "application/json"


@needs("update-mime-database")
def test_mime_database_learns_the_glob(tmp_path):
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(LINUX / f"{APP_ID}.mime.xml", packages / f"{APP_ID}.xml")
    result = run(["update-mime-database", tmp_path / "mime"])
    assert result.returncode == 0, result.stderr
    globs = (tmp_path / "mime" / "globs2").read_text()
    assert re.search(rf"^\d+:{re.escape(MIME_TYPE)}:\*\.bpdesk$", globs, re.M)


def test_make_icons_writes_every_size_and_both_icon_containers(tmp_path, qapp):
    written = make_icons.make_icons(tmp_path)
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    for size in HICOLOR_SIZES:
        image = QImage(str(tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    assert (tmp_path / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()

    ico = (tmp_path / "bpdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", ico)
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sides = []
    for i in range(count):
        side, _, _, _, _, bits, length, offset = struct.unpack_from("<BBBBHHII", ico, 6 + 16 * i)
        assert bits == 32 and ico[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(ico)
        sides.append(side or 256)
    assert sides == sorted(make_icons.ICO_SIZES)

    icns = (tmp_path / "bpdesk.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack_from(">I", icns, 4)[0] == len(icns)
    position, kinds = 8, []
    while position < len(icns):
        kinds.append(icns[position : position + 4])
        (length,) = struct.unpack_from(">I", icns, position + 4)
        assert icns[position + 8 : position + 16] == b"\x89PNG\r\n\x1a\n"
        position += length
    assert position == len(icns)
    assert kinds == [kind for kind, _ in make_icons.ICNS_TYPES]


def test_windows_installer_associates_bpdesk_files_with_the_built_exe():
    script = (PACKAGING / "windows" / "bpdesk.iss").read_text()
    assert '#define AssocExt ".bpdesk"' in script
    assert re.search(r'^#define AppExe "bpdesk\.exe"$', script, re.M)
    assert "ChangesAssociations=yes" in script
    # Paths in the script are relative to its folder: they must meet what the build writes.
    windows = PACKAGING / "windows"
    root = re.search(r'^#define Root "(.+)"$', script, re.M).group(1)
    icon = re.search(r"^SetupIconFile=(.+)$", script, re.M).group(1).replace("{#Root}", root)
    assert (windows / icon.replace("\\", "/")).resolve() == PACKAGING / "build" / "icons" / (
        "bpdesk.ico"
    )
    source = re.search(r'^Source: "([^"]+)"', script, re.M).group(1).replace("{#Root}", root)
    assert (windows / source.replace("\\", "/")).resolve().parent == REPO / "dist" / "bpdesk"


# The Linux artefacts, built once for the whole module (about a minute and a half).


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    for tool in ("dpkg-deb", "strip", "objdump"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    out = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("build")
    started = time.monotonic()
    result = run(
        ["bash", PACKAGING / "build_linux.sh", "--out", out, "--work", work],
        timeout=900,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {"out": out, "log": result.stdout, "seconds": time.monotonic() - started}


def megabytes(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.lstat().st_size for p in path.rglob("*")) / 1e6


def self_test(program: Path, **env: str) -> None:
    result = run(
        [program, "--self-test"],
        timeout=120,
        env=clean_env(QT_QPA_PLATFORM="offscreen", **env),
        cwd=program.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def trace_matches_the_lecture(program: Path, reference: dict) -> None:
    result = run([program, "trace", "--preset", "lecture", "--json"], env=clean_env())
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["out_h1"] == pytest.approx(reference["forward"]["out_h1"], abs=TOL)
    for name, expected in reference["updated_weights_after_one_step"].items():
        assert values[f"{name}+"] == pytest.approx(expected, abs=TOL), name


@pytest.mark.slow
def test_bundle_passes_its_self_test(built):
    self_test(built["out"] / "bpdesk" / "bpdesk")


@pytest.mark.slow
def test_bundle_cli_reproduces_the_lecture(built, lecture_reference):
    trace_matches_the_lecture(built["out"] / "bpdesk" / "bpdesk-cli", lecture_reference)


@pytest.mark.slow
def test_bundle_is_lean(built):
    bundle = built["out"] / "bpdesk"
    assert megabytes(bundle) <= BUNDLE_GOAL_MB
    internal = bundle / "_internal"
    names = {p.name for p in internal.rglob("*")}
    for unused in ("libQt6Network.so.6", "libQt6Qml.so.6", "libQt6Quick.so.6", "libqgtk3.so"):
        assert unused not in names
    assert not any(n.endswith(".qm") for n in names)  # no Qt translations
    plugins = {p.name for p in (internal / "PySide6" / "Qt" / "plugins").iterdir()}
    assert {"platforms", "imageformats", "iconengines", "xcbglintegrations"} <= plugins
    assert not plugins & {"sqldrivers", "qmltooling", "tls", "networkinformation", "designer"}
    platforms = {p.name for p in (internal / "PySide6" / "Qt" / "plugins" / "platforms").iterdir()}
    assert {"libqxcb.so", "libqoffscreen.so", "libqwayland.so"} <= platforms
    assert not list(internal.glob("libstdc++*")) and not list(internal.glob("libX11*"))


@pytest.mark.slow
def test_tarball_holds_the_bundle_under_a_versioned_folder(built):
    tarball = built["out"] / f"bpdesk-{__version__}-linux-x86_64.tar.gz"
    with tarfile.open(tarball) as archive:
        members = {m.name: m for m in archive.getmembers()}
    top = f"bpdesk-{__version__}"
    program = members[f"{top}/bpdesk"]
    assert program.isfile() and program.mode & 0o111
    assert members[f"{top}/bpdesk-cli"].issym()
    assert f"{top}/_internal/bpdesk/resources/presets/lecture.bpdesk" in members
    assert all(m.uid == 0 and m.gid == 0 for m in members.values())


@pytest.mark.slow
def test_deb_installs_into_a_scratch_root_and_runs_from_its_launcher(
    built, tmp_path, lecture_reference
):
    (deb,) = built["out"].glob("bpdesk_*.deb")
    assert megabytes(deb) <= DEB_GOAL_MB
    control = run(["dpkg-deb", "--field", deb, "Package", "Version", "Depends"]).stdout
    assert "Package: bpdesk" in control and f"Version: {__version__}" in control
    assert "libc6 (>= " in control

    root = tmp_path / "root"
    extracted = run(["dpkg-deb", "-x", deb, root])
    assert extracted.returncode == 0, extracted.stderr
    share = root / "usr" / "share"
    for size in HICOLOR_SIZES:
        assert (share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "mime" / "packages" / f"{APP_ID}.xml").is_file()
    launcher = root / "usr" / "bin" / "bpdesk"
    assert launcher.is_symlink() and launcher.resolve() == root / "opt" / "bpdesk" / "bpdesk"

    if shutil.which("desktop-file-validate"):
        result = run(["desktop-file-validate", share / "applications" / f"{APP_ID}.desktop"])
        assert result.returncode == 0, result.stdout
    if shutil.which("appstreamcli"):
        metainfo = share / "metainfo" / f"{APP_ID}.metainfo.xml"
        result = run(["appstreamcli", "validate", "--no-net", metainfo])
        assert result.returncode == 0, result.stdout

    trace_matches_the_lecture(root / "usr" / "bin" / "bpdesk-cli", lecture_reference)
    self_test(launcher)


@pytest.mark.slow
def test_appdir_is_ready_for_appimagetool(built):
    appdir = built["out"] / "bpdesk.AppDir"
    apprun = appdir / "AppRun"
    assert apprun.is_file() and os.access(apprun, os.X_OK)
    entry = desktop_entry(appdir / f"{APP_ID}.desktop")
    assert (appdir / f"{entry['Icon']}.png").is_file()
    assert (appdir / ".DirIcon").resolve() == (appdir / f"{APP_ID}.png").resolve()
    assert (appdir / "usr" / "share" / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    result = run([apprun, "--version"], env=clean_env())
    assert result.returncode == 0 and result.stdout.strip() == f"bpdesk {__version__}"


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """Xvfb on a display number it picks itself (free by construction)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    number = b""
    deadline = time.monotonic() + 20
    while not number.endswith(b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([read_end], [], [], 0.5)
        if ready:
            chunk = os.read(read_end, 16)
            if not chunk:
                break
            number += chunk
    os.close(read_end)
    if not number.strip().isdigit():
        server.kill()
        server.wait()
        pytest.fail("Xvfb did not start")
    return server, f":{number.strip().decode()}"


@pytest.mark.slow
@pytest.mark.xvfb
@needs("Xvfb")
def test_bundle_opens_a_real_window_on_x11(built, tmp_path):
    server, display = start_xvfb()
    try:
        picture = tmp_path / "window.png"
        result = run(
            [built["out"] / "bpdesk" / "bpdesk", "--screenshot", picture],
            timeout=120,
            env=clean_env(QT_QPA_PLATFORM="xcb", DISPLAY=display),
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Could not load the Qt platform plugin" not in result.stderr
    assert picture.stat().st_size > 10_000
    image = QImage(str(picture))
    assert (image.width(), image.height()) == (1600, 900)
    colours = {image.pixel(x, y) for x in range(0, 1600, 40) for y in range(0, 900, 40)}
    assert len(colours) > 5  # a drawn window, not a blank one
