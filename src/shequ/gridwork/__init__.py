"""Grid work (C2): patrols, household visits, hazard checks and the grid worker's day."""
