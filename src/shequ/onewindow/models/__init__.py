"""The one-window tables: the catalogue, certificates and applications."""

from .applications import (
    BAD_LEVELS,
    OPEN_STATUSES,
    Application,
    ApplicationMaterial,
    ApplyChannel,
    Authorisation,
    Event,
    FollowUp,
    FollowUpStatus,
    Rating,
    RatingLevel,
    ReturnNotice,
    Status,
)
from .catalogue import (
    Channel,
    ItemMaterial,
    ItemVersion,
    Material,
    MaterialSource,
    ServiceCategory,
    ServiceItem,
)
from .certificates import Certificate, CertificateKind, CertificateRefusal, DailyCounter

__all__ = [
    "BAD_LEVELS",
    "OPEN_STATUSES",
    "Application",
    "ApplicationMaterial",
    "ApplyChannel",
    "Authorisation",
    "Certificate",
    "CertificateKind",
    "CertificateRefusal",
    "Channel",
    "DailyCounter",
    "Event",
    "FollowUp",
    "FollowUpStatus",
    "ItemMaterial",
    "ItemVersion",
    "Material",
    "MaterialSource",
    "Rating",
    "RatingLevel",
    "ReturnNotice",
    "ServiceCategory",
    "ServiceItem",
    "Status",
]
