"""Pure model and rules: no I/O, no framework."""
