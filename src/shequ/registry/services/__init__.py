"""The registry's writes. Import from this package."""

from .elements import (
    courtyard_create,
    courtyard_update,
    natural_village_create,
    natural_village_update,
    rooms_generate,
)
from .households import (
    household_create,
    household_mark_moved_out,
    household_set_head,
    household_update,
    membership_add,
    membership_end,
)
from .people import person_create, person_mark_deceased, person_mark_moved_out, person_update
from .places import building_create, building_update, place_create, place_update, room_create
from .tags import person_tag_add, person_tag_remove

__all__ = [
    "building_create",
    "building_update",
    "courtyard_create",
    "courtyard_update",
    "household_create",
    "household_mark_moved_out",
    "household_set_head",
    "household_update",
    "membership_add",
    "membership_end",
    "natural_village_create",
    "natural_village_update",
    "person_create",
    "person_mark_deceased",
    "person_mark_moved_out",
    "person_tag_add",
    "person_tag_remove",
    "person_update",
    "place_create",
    "place_update",
    "room_create",
    "rooms_generate",
]
