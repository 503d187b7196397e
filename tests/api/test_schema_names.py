"""Ninja names an OpenAPI component after its pydantic class, so two classes of one name in
different apps silently share one schema and one app's responses fail the other's shape."""

from collections import defaultdict

import pydantic

from crm.api.api import api


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_every_api_schema_class_name_is_unique() -> None:
    api.get_openapi_schema()  # imports every router's schemas
    names: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(pydantic.BaseModel):
        if cls.__module__.startswith("crm."):
            names[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    clashes = {name: paths for name, paths in names.items() if len(paths) > 1}
    assert not clashes
