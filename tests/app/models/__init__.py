"""Table models tested without widgets."""
