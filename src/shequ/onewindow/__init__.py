"""One-window public services (C4): catalogue, applications, certificates, window devices."""
