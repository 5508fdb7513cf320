"""Spreadsheet import and export of the registry's rosters (花名册).

:mod:`.columns` (what each kind's sheet holds), :mod:`.files` (storing, sniffing and reading
uploads), :mod:`.cells` and :mod:`.checks` / :mod:`.units` (checking rows), :mod:`.writes`
(the bulk write path), :mod:`.jobs` (the services: upload, check, confirm, cancel),
:mod:`.template`, :mod:`.export` and :mod:`.selectors`.
"""

from .export import export_roster
from .jobs import job_cancel, job_confirm, job_upload, run_check, run_import
from .selectors import imported_people, job_for, jobs_visible_to, recent_jobs
from .template import template_name, template_xlsx

__all__ = [
    "export_roster",
    "imported_people",
    "job_cancel",
    "job_confirm",
    "job_for",
    "job_upload",
    "jobs_visible_to",
    "recent_jobs",
    "run_check",
    "run_import",
    "template_name",
    "template_xlsx",
]
