"""Harnesses that prove the product's promises (crash trials); used by tests and bench/."""
