"""SQLite state: connection, migrations and one repository per table group."""
