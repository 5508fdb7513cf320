"""Pages of the appeals module: categories and classifier, the console's case pages, the resident portal."""
