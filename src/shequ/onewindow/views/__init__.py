"""Pages of the one-window module: the resident portal (/services/) and the staff console."""
