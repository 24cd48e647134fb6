"""The app icon files (``resources/icons/``) and the high-DPI icons drawn at run time.

The files are rendered by ``tools/make_icons.py`` and committed; these tests read them back (the
containers' headers and Qt's ``ico``/``icns`` readers), regenerate them to catch a stale file, and
check that ``build.spec`` and the Windows installer point at files that exist.
"""

from __future__ import annotations

import importlib.util
import re
import struct
from pathlib import Path
from types import ModuleType

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage, QImageReader

from ecom_ledger_desktop.app import icons

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def make_icons() -> ModuleType:
    """``tools/make_icons.py``, imported from its file (``tools`` is not a package)."""
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "tools" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rendered(make_icons: ModuleType, qapp) -> dict[str, bytes]:
    """What the script would write now."""
    return make_icons.render()  # type: ignore[no-any-return]


def _png_side(data: bytes) -> int:
    """The width of a square PNG, from its IHDR chunk."""
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    assert width == height
    return int(width)


def _qt_images(path: Path, fmt: bytes) -> list[QImage]:
    reader = QImageReader(str(path), fmt)
    assert reader.canRead(), reader.errorString()
    images = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        images.append(image)
    return images


def _same_pixels(one: QImage, other: QImage) -> bool:
    """The same drawing (a few antialiased edge pixels may round differently per CPU)."""
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "tools" / "make_icons.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return bool(module.same_drawing(one, other))


def test_every_icon_file_is_committed_and_up_to_date(make_icons: ModuleType,
                                                    rendered: dict[str, bytes]) -> None:
    assert {"app.ico", "app.icns", "app-256.png"} <= set(rendered)
    stale = make_icons.stale(ICONS, rendered)
    assert not stale, f"{stale} missing or stale: run 'python tools/make_icons.py' and commit them"


def test_a_changed_drawing_is_stale_but_edge_rounding_is_not(make_icons: ModuleType, qapp,
                                                              tmp_path: Path) -> None:
    image = icons.app_icon_image(64)
    nudged = image.copy()
    colour = nudged.pixelColor(32, 32)
    colour.setRed(min(colour.red() + 1, 255) if colour.red() < 255 else colour.red() - 1)
    nudged.setPixelColor(32, 32, colour)  # one level on one pixel: another CPU's rounding
    assert _same_pixels(image, nudged)
    recoloured = image.copy()
    recoloured.fill(0xFF00FF00)
    assert not _same_pixels(image, recoloured)
    (tmp_path / "app-64.png").write_bytes(make_icons.png_bytes(nudged))
    assert make_icons.stale(tmp_path, {"app-64.png": make_icons.png_bytes(image)}) == []
    (tmp_path / "app-64.png").write_bytes(make_icons.png_bytes(recoloured))
    assert make_icons.stale(tmp_path, {"app-64.png": make_icons.png_bytes(image)}) == ["app-64.png"]


def test_the_ico_holds_every_windows_size(make_icons: ModuleType, qapp) -> None:
    data = (ICONS / "app.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sides = []
    for index in range(count):
        width, height, _colours, _zero, planes, bits, size, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index)
        side = width or 256
        assert (width, planes, bits) == (height, 1, 32)
        assert offset + size <= len(data)
        entry = data[offset:offset + size]
        if side == 256:  # PNG at 256 px, 32-bit BMP below (what every Windows tool reads)
            assert _png_side(entry) == 256
        else:
            assert struct.unpack_from("<Iii", entry) == (40, side, 2 * side)
        sides.append(side)
    assert sides == list(make_icons.ICO_SIZES)
    assert {16, 32, 48, 256} <= set(sides)
    images = _qt_images(ICONS / "app.ico", b"ico")
    assert [image.width() for image in images] == sides
    for image in images:  # each size is the drawing itself, not a scaled copy
        assert _same_pixels(image, icons.app_icon_image(image.width())), image.width()


def test_the_icns_holds_every_macos_size(make_icons: ModuleType, qapp) -> None:
    data = (ICONS / "app.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack(">I", data[4:8])[0] == len(data)
    entries, offset = [], 8
    while offset < len(data):
        kind, length = data[offset:offset + 4].decode("ascii"), struct.unpack(
            ">I", data[offset + 4:offset + 8])[0]
        entries.append((kind, _png_side(data[offset + 8:offset + length])))
        offset += length
    assert offset == len(data)
    assert entries == list(make_icons.ICNS_TYPES)
    assert {"ic07", "ic08", "ic09", "ic10"} <= {kind for kind, _side in entries}
    images = _qt_images(ICONS / "app.icns", b"icns")
    assert sorted(image.width() for image in images) == sorted(side for _kind, side in entries)
    largest = max(images, key=QImage.width)
    assert _same_pixels(largest, icons.app_icon_image(1024, make_icons.MAC_PADDING))
    assert largest.pixelColor(20, 20).alpha() == 0  # Apple's margin around the square


def test_the_linux_pngs_are_the_drawing(make_icons: ModuleType, qapp) -> None:
    for side in make_icons.PNG_SIZES:
        image = QImage(str(ICONS / f"app-{side}.png"))
        assert image.width() == side
        assert _same_pixels(image, icons.app_icon_image(side))


def test_the_app_finds_its_icon_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert icons.app_icon_file() == ICONS / "app-256.png"  # a source checkout
    assert icons.app_icon_file(48) == ICONS / "app-48.png"
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)  # a frozen bundle
    assert icons.app_icon_file() is None
    (tmp_path / "resources" / "icons").mkdir(parents=True)
    (tmp_path / "resources" / "icons" / "app-256.png").write_bytes((ICONS / "app-256.png").read_bytes())
    assert icons.app_icon_file() == tmp_path / "resources" / "icons" / "app-256.png"
    with pytest.raises(ValueError, match="no 100 px"):
        icons.app_icon_file(100)


def test_the_check_mode_catches_a_stale_folder(make_icons: ModuleType, qapp, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert make_icons.main(["--check", "--out", str(tmp_path)]) == 1
    assert "app.ico" in capsys.readouterr().out
    assert make_icons.main(["--out", str(tmp_path)]) == 0
    assert make_icons.main(["--check", "--out", str(tmp_path)]) == 0
    (tmp_path / "app.icns").write_bytes(b"icns\x00\x00\x00\x08")
    assert make_icons.main(["--check", "--out", str(tmp_path)]) == 1


@pytest.mark.parametrize("state", icons.STATES)
def test_state_icons_are_drawn_for_high_dpi_pixels(qapp, state: str) -> None:
    icon = icons.state_icon(state)
    for side in (16, 22, 24, 32):
        for ratio in (1.0, 2.0):
            pixmap = icon.pixmap(QSize(side, side), ratio)
            assert pixmap.width() == round(side * ratio), (side, ratio)
            assert pixmap.devicePixelRatio() == ratio
            # drawn at that pixel size, not scaled from another one (which blurs the edges)
            assert _same_pixels(pixmap.toImage(), icons.state_image(state, round(side * ratio)))


def test_the_window_icon_is_drawn_for_high_dpi_pixels(qapp) -> None:
    icon: QIcon = icons.app_icon()
    for side in (16, 32, 64, 128):
        pixmap = icon.pixmap(QSize(side, side), 2.0)
        assert pixmap.width() == 2 * side
        assert _same_pixels(pixmap.toImage(), icons.app_icon_image(2 * side))


def test_bad_icon_arguments_are_refused(qapp) -> None:
    with pytest.raises(ValueError, match="unknown state"):
        icons.state_image("sleepy", 16)
    with pytest.raises(ValueError, match="positive"):
        icons.app_icon_image(0)
    with pytest.raises(ValueError, match="padding"):
        icons.app_icon_image(32, 0.5)


def test_build_spec_and_the_windows_installer_use_the_icon_files() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'ICONS = ROOT / "resources" / "icons"' in spec
    names = re.search(r'WINDOWS_ICON, MAC_ICON = ICONS / "([^"]+)", ICONS / "([^"]+)"', spec)
    assert names, "build.spec no longer names the icons the way this test expects"
    for name in names.groups():
        assert (ICONS / name).is_file(), name
    assert 'icon = [str(WINDOWS_ICON)] if sys.platform == "win32"' in spec
    assert spec.count("icon=icon,") == 2  # both executables
    assert "icon=str(MAC_ICON)" in spec
    assert '(str(ROOT / "resources"), "resources")' in spec  # the Linux PNGs ship too

    iss_path = ROOT / "installers" / "windows" / "ecom-ledger.iss"
    iss = iss_path.read_text(encoding="utf-8")
    define = re.search(r'^#define AppIcon "([^"]+)"', iss, re.MULTILINE)
    assert define, "the installer script defines no AppIcon"
    relative = define.group(1).replace("\\", "/")
    assert (iss_path.parent / relative).resolve() == (ICONS / "app.ico").resolve()
    assert (iss_path.parent / relative).is_file()
    assert re.search(r"^SetupIconFile=\{#AppIcon\}$", iss, re.MULTILINE)
    assert re.search(r"^UninstallDisplayIcon=\{app\}\\\{#AppExe\}", iss, re.MULTILINE)
