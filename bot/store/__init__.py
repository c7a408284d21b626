"""The SQLite store: connection, named migrations and one module per family of tables."""
