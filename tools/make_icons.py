"""Render the app icon files the installers and bundles use into ``resources/icons/``.

    python tools/make_icons.py            # write the files
    python tools/make_icons.py --check    # exit 1 (listing them) when a file is missing or stale

The drawing is ``app_icon_image`` in ``ecom_ledger_desktop/app/icons.py`` (the same one the
window icon uses); this script only packs it into the containers each platform wants:

* ``app.ico`` (Windows: the executables' icon, the setup and the uninstall entry): 16 to 256 px,
  32-bit BMP entries below 256 px and a PNG entry at 256 px, as Microsoft's guidelines ask (every
  icon tool and Windows version reads that).
* ``app.icns`` (macOS: ``Ecom Ledger.app``): PNG entries from 16 to 1024 px (``icp4``, ``icp5``,
  ``ic07``–``ic14``), drawn with the margin macOS icons keep around their rounded square.
* ``app-<size>.png`` (Linux: a desktop entry's ``Icon=``, the hicolor theme sizes).

Both containers are written here rather than through Qt's ``ico``/``icns`` image writers: those
write one image per file (the icns writer scales a single image down), not one drawing per size.
The output depends only on the drawing code and Qt's PNG encoder, so it is byte-for-byte
reproducible; ``tests/app/test_app_icons.py`` regenerates it and fails when a file is stale.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QImageWriter

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

from ecom_ledger_desktop.app.icons import PNG_SIZES, app_icon_image  # noqa: E402

OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
# OSType -> pixels; ic11..ic14 are the @2x variants of 16, 32, 128 and 256 points
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("ic11", 32), ("ic12", 64), ("ic07", 128),
              ("ic13", 256), ("ic08", 256), ("ic14", 512), ("ic09", 512), ("ic10", 1024))
MAC_PADDING = 100 / 1024  # Apple's icon grid: an 824 px square on a 1024 px canvas


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode a PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def bmp_entry(image: QImage) -> bytes:
    """``image`` as an ICO entry's 32-bit DIB: header, bottom-up BGRA rows, then the AND mask."""
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)  # B, G, R, A bytes in memory
    width, height = argb.width(), argb.height()
    row_bytes = argb.bytesPerLine()
    bits = bytes(argb.constBits())
    rows = [bits[y * row_bytes:y * row_bytes + width * 4] for y in range(height)]
    if sys.byteorder != "little":  # ARGB32 is native-endian 0xAARRGGBB words
        rows = [b"".join(row[i:i + 4][::-1] for i in range(0, len(row), 4)) for row in rows]
    mask_row_bytes = (width + 31) // 32 * 4
    mask = bytearray()
    for row in reversed(rows):
        bits_row = bytearray(mask_row_bytes)
        for x in range(width):
            if row[4 * x + 3] == 0:  # fully transparent pixel
                bits_row[x // 8] |= 0x80 >> (x % 8)
        mask += bits_row
    pixels = b"".join(reversed(rows))
    header = struct.pack("<IiiHHIIiiII", 40, width, 2 * height, 1, 32, 0,
                         len(pixels) + len(mask), 0, 0, 0, 0)
    return header + pixels + bytes(mask)


def ico_bytes(images: list[QImage]) -> bytes:
    """An ICO file holding ``images`` (square, up to 256 px): PNG at 256 px, BMP below."""
    entries = [png_bytes(image) if image.width() >= 256 else bmp_entry(image) for image in images]
    offset = 6 + 16 * len(images)
    directory = struct.pack("<HHH", 0, 1, len(images))
    for image, entry in zip(images, entries, strict=True):
        side = image.width() % 256  # 0 means 256
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(entry), offset)
        offset += len(entry)
    return directory + b"".join(entries)


def icns_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """An ICNS file holding ``(OSType, PNG data)`` entries."""
    body = b"".join(kind.encode("ascii") + struct.pack(">I", 8 + len(data)) + data
                    for kind, data in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def render() -> dict[str, bytes]:
    """Every icon file's name and content."""
    files = {"app.ico": ico_bytes([app_icon_image(size) for size in ICO_SIZES])}
    mac_pngs = {size: png_bytes(app_icon_image(size, MAC_PADDING))
                for size in {size for _kind, size in ICNS_TYPES}}
    files["app.icns"] = icns_bytes([(kind, mac_pngs[size]) for kind, size in ICNS_TYPES])
    for size in PNG_SIZES:
        files[f"app-{size}.png"] = png_bytes(app_icon_image(size))
    return files


#: Qt's antialiasing rounds a few edge pixels differently on different CPUs (SIMD paths): a file
#: is the same drawing when every channel of every pixel is within this many levels.
PIXEL_TOLERANCE = 2


def decoded(data: bytes) -> list[QImage]:
    """Every image in an ICO, ICNS or PNG file's bytes, as ARGB32 (the format read from the data)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    fmt = b"ico" if data[:4] == b"\x00\x00\x01\x00" else b"icns" if data[:4] == b"icns" else b"png"
    reader = QImageReader(buffer, QByteArray(fmt))
    images = []
    for index in range(max(reader.imageCount(), 1)):
        if index and not reader.jumpToImage(index):
            break
        image = reader.read()
        if image.isNull():
            break
        images.append(image.convertToFormat(QImage.Format.Format_ARGB32))
    return images


def same_drawing(one: QImage, other: QImage) -> bool:
    """Equal sizes and every channel of every pixel within ``PIXEL_TOLERANCE``."""
    fmt = QImage.Format.Format_ARGB32
    one, other = one.convertToFormat(fmt), other.convertToFormat(fmt)
    if one.size() != other.size():
        return False
    if one == other:
        return True
    a, b = one.constBits(), other.constBits()
    return all(abs(x - y) <= PIXEL_TOLERANCE for x, y in zip(bytes(a), bytes(b), strict=True))


def stale(folder: Path, files: dict[str, bytes]) -> list[str]:
    """The names in ``files`` whose copy in ``folder`` is missing or shows another drawing."""
    differ = []
    for name, data in files.items():
        path = folder / name
        if not path.is_file():
            differ.append(name)
            continue
        have, want = decoded(path.read_bytes()), decoded(data)
        if len(have) != len(want) or not all(
                same_drawing(x, y) for x, y in zip(have, want, strict=True)):
            differ.append(name)
    return differ


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the icon files; the exit status for the shell."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write (default {OUT})")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a file is missing or differs")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])  # noqa: F841 - Qt needs one
    files = render()
    if args.check:
        differ = stale(args.out, files)
        for name in differ:
            print(f"stale or missing: {args.out / name} (run python tools/make_icons.py)")
        return 1 if differ else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
        print(f"{args.out / name}  {len(data):>7} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
