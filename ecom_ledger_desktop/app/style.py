"""The app's look: a calm light theme on top of the platform style (object names only)."""

from __future__ import annotations

ACCENT = "#00796b"
STYLE_SHEET = f"""
#sidebar {{ background: #263238; border: none; }}
#sidebar QListView {{ background: transparent; border: none; color: #eceff1; outline: 0; }}
#sidebar QListView::item {{ padding: 9px 14px; border-radius: 6px; margin: 1px 8px; }}
#sidebar QListView::item:selected {{ background: #37474f; color: white; }}
#sidebar QListView::item:hover:!selected {{ background: #2f3d44; }}
#appName {{ color: white; font-size: 16px; font-weight: 600; padding: 18px 20px 2px 20px; }}
#appTagline {{ color: #90a4ae; padding: 0 20px 14px 20px; }}
#sidebarStatus {{ color: #b0bec5; padding: 4px 20px; }}
#sidebar QPushButton {{ background: #37474f; color: #eceff1; border: 1px solid #455a64;
    border-radius: 6px; padding: 6px 10px; margin: 0 16px; }}
#sidebar QPushButton:hover {{ background: #455a64; }}
#sidebar QPushButton:disabled {{ color: #78909c; }}
#sidebarRule {{ background: #37474f; margin: 0 16px; }}
#noticeBar {{ background: #fff8e1; border-bottom: 1px solid #f0d98a; }}
#noticeBar[level="critical"] {{ background: #fdecea; border-bottom: 1px solid #f5c2c0; }}
#noticeBar QLabel {{ color: #3e2f00; }}
#noticeBar[level="critical"] QLabel {{ color: #611a15; }}
#demoBanner {{ background: #fff3cd; color: #5d4300; border-bottom: 1px solid #f0d98a;
    padding: 8px 25px; }}
#pageContent {{ background: #f5f7f8; }}
#pageTitle {{ font-size: 22px; font-weight: 600; color: #1f2a30; }}
#pageSubtitle {{ color: #5f6f78; }}
#card, #emptyState {{ background: white; border: 1px solid #e0e5e8; border-radius: 10px; }}
#cardHeading {{ font-size: 14px; font-weight: 600; color: #1f2a30; }}
#emptyHeading {{ font-size: 17px; font-weight: 600; color: #1f2a30; }}
#emptyText {{ color: #44545c; }}
#muted {{ color: #5f6f78; }}
#path {{ color: #1f2a30; }}
#statTile {{ background: white; border: 1px solid #e0e5e8; border-radius: 10px; }}
#statTile[highlight="true"] {{ border: 1px solid #f0b429; background: #fffaeb; }}
#heldBanner {{ border: 1px solid #f0b429; background: #fffaeb; border-radius: 10px; }}
#statValue {{ font-size: 24px; font-weight: 600; color: #1f2a30; }}
#statCaption {{ color: #5f6f78; }}
#chip {{ border-radius: 10px; padding: 3px 10px; font-weight: 600; }}
#chip[kind="ok"] {{ background: #e3f4e8; color: #1e6b34; }}
#chip[kind="attention"] {{ background: #fff3cd; color: #7a5a00; }}
#chip[kind="error"] {{ background: #fde7e7; color: #a12020; }}
#chip[kind="neutral"] {{ background: #eceff1; color: #455a64; }}
QPushButton#primaryButton {{ background: {ACCENT}; color: white; border: none; border-radius: 6px;
    padding: 7px 16px; font-weight: 600; }}
QPushButton#primaryButton:hover {{ background: #00695c; }}
QPushButton#primaryButton:disabled {{ background: #9fb8b4; }}
QPushButton#secondaryButton {{ background: white; color: #1f2a30; border: 1px solid #c5cdd2;
    border-radius: 6px; padding: 6px 14px; }}
QPushButton#secondaryButton:hover {{ background: #f0f3f4; }}
QProgressBar {{ border: 1px solid #cfd8dc; border-radius: 5px; background: #eceff1;
    text-align: center; min-height: 18px; }}
QProgressBar::chunk {{ background: #4db6ac; border-radius: 4px; }}
"""
