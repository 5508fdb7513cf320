"""The steps of ``run.py``, one module per group."""

from .base import WORK, step_setup
from .intake import step_intake, step_open311, step_pgbench
from .load import step_load
from .reads import step_explain, step_profile, step_reads
from .table import step_table

__all__ = [
    "WORK",
    "step_explain",
    "step_intake",
    "step_load",
    "step_open311",
    "step_pgbench",
    "step_profile",
    "step_reads",
    "step_setup",
    "step_table",
]
