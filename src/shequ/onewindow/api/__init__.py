"""One-window API under /api/v1/onewindow/: catalogue, applications, certificates, devices, reports.

Every operation with an id declares its scoped model; an application or certificate id
outside the caller's reach (another area for staff, another person's for a resident)
answers 404.
"""

from . import applications, catalogue, certificates
from .common import router

__all__ = ["applications", "catalogue", "certificates", "router"]
