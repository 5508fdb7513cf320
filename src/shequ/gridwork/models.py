"""Grid work records."""
