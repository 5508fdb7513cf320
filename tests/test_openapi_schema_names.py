"""Every API schema class has a unique name.

Django Ninja names OpenAPI components after the schema class, so two classes with the same
name in different modules silently share one component, and one endpoint then documents the
other's response (schemathesis reports it as a schema violation, far from the cause).
"""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_schema_class_names_are_unique() -> None:
    import config.api  # noqa: F401 - imports every router and so every schema

    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith(("shequ.", "config.")):
            modules[cls.__name__].add(cls.__module__)
    duplicates = {name: sorted(mods) for name, mods in modules.items() if len(mods) > 1}
    assert not duplicates, f"rename one of each: {duplicates}"
