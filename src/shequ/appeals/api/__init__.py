"""The appeals API: the category catalogue and classifier, and the cases."""

from .cases import router as cases_router
from .categories import router

router.add_router("", cases_router)

__all__ = ["router"]
