"""ecom-ledger-desktop: keeps an online store and its books in step."""

__version__ = "0.1.0"
