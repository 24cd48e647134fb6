"""Table models for the app's pages: Qt item models over core data, no widgets (tested headless)."""
