"""Simulators of the external services: real HTTP servers on loopback.

Nothing here imports the clients, models or engine it serves (an import-linter contract
enforces it): a simulator follows the reference documentation, not our client, so that a
misreading of the API cannot be shared by both sides.
"""
