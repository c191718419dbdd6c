"""json_object(k, v, …) in SQL on both databases, so JSON rows can be built by INSERT … SELECT."""
from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import JSON


class json_object(GenericFunction[Any]):  # noqa: N801 - named like the SQL function it renders
    """SQLite's json_object; PostgreSQL calls the same thing json_build_object."""

    type = JSON()
    inherit_cache = True


@compiles(json_object, "postgresql")
def _postgres(element: json_object, compiler: Any, **kw: Any) -> str:
    return f"json_build_object({compiler.process(element.clauses, **kw)})"
