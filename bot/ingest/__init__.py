"""Getting figures in: the bundled seed and the refresh job over the sources."""
