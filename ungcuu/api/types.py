"""Bounded input types for the API: every number and id that enters is checked at the edge,
so a value the database cannot hold is a 422 naming the field, never a 500."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

# Ids are the database's 64-bit integers.
MAX_ID = 2**63 - 1
# Counts of people, dossiers, items: far above any one center's day, far below int32.
MAX_COUNT = 100_000


def _not_bool(value):
    # JSON true is not 1: a client sending a boolean for a number has a bug to hear about.
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Vui lòng nhập một số nguyên, không phải true/false.")
    return value


Id = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=MAX_ID)]
Count = Annotated[int, BeforeValidator(_not_bool), Field(ge=0, le=MAX_COUNT)]
