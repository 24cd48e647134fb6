"""The sync engine: mapping, journal, dispatch, jobs and scheduling."""
