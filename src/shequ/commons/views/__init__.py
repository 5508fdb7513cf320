"""Pages: the console (staff) and the resident portal."""
