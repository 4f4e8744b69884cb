"""Use cases: the only door the adapters (web, CLI, library) use."""
