#!/usr/bin/env bash
# Wrap "Ecom Ledger.app" (made by `make build` on macOS, from build.spec) in a compressed disk
# image with an Applications shortcut, ready to drag and drop:
#
#   installers/macos/build-dmg.sh            # reads the version from the package
#   installers/macos/build-dmg.sh 0.2.0      # or takes it as an argument
#
# Signing and notarisation are separate steps (they need the developer's identity):
#   codesign --deep --force --options runtime --sign "Developer ID Application: …" "dist/Ecom Ledger.app"
#   xcrun notarytool submit dist/ecom-ledger-<version>.dmg --keychain-profile … --wait
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
APP_NAME="Ecom Ledger"
APP="$ROOT/dist/$APP_NAME.app"
VERSION="${1:-$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/ecom_ledger_desktop/__init__.py")}"
DMG="$ROOT/dist/ecom-ledger-$VERSION.dmg"

if [[ "$(uname)" != "Darwin" ]]; then
  echo "build-dmg.sh needs macOS (hdiutil); build the .app there with 'make build'." >&2
  exit 2
fi
if [[ ! -d "$APP" ]]; then
  echo "$APP not found: run 'make build' first." >&2
  exit 1
fi
# a tray app must not show in the Dock: build.spec sets LSUIElement, check it survived
if [[ "$(/usr/libexec/PlistBuddy -c 'Print :LSUIElement' "$APP/Contents/Info.plist")" != "true" ]]; then
  echo "LSUIElement is not set in $APP/Contents/Info.plist: rebuild with build.spec." >&2
  exit 1
fi
# build.spec gives the bundle resources/icons/app.icns (tools/make_icons.py): check it is there
ICON_FILE="$(/usr/libexec/PlistBuddy -c 'Print :CFBundleIconFile' "$APP/Contents/Info.plist" \
  2>/dev/null || true)"
ICON_PATH="$APP/Contents/Resources/${ICON_FILE%.icns}.icns"
if [[ -z "$ICON_FILE" || ! -f "$ICON_PATH" ]]; then
  echo "$APP has no icon (CFBundleIconFile '$ICON_FILE'): rebuild with build.spec." >&2
  exit 1
fi

STAGING="$(mktemp -d)"
trap 'rm -rf "$STAGING"' EXIT
cp -R "$APP" "$STAGING/"
ln -s /Applications "$STAGING/Applications"
rm -f "$DMG"
hdiutil create -volname "$APP_NAME $VERSION" -srcfolder "$STAGING" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 -ov "$DMG"
hdiutil verify "$DMG"
echo "Made $DMG"
