"""The appeals API: the category catalogue and classifier, and the cases."""

from .cases import router as cases_router
from .categories import router
from .rates import router as rates_router

router.add_router("", cases_router)
router.add_router("", rates_router)

__all__ = ["router"]
