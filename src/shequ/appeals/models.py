"""Appeal records."""
