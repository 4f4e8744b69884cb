"""The impact engine and its data generators: pure functions over frames and arrays."""
