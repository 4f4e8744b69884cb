"""Persistence: ORM models, sessions, migrations, bulk loaders, permission-checked lookups."""
