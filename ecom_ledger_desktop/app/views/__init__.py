"""The main window's pages: one ``Page`` subclass per module."""
