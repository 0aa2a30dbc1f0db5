"""The base of every table class: SQLModel, with our constraint names on its metadata.

Every models module imports SQLModel from here, so the names are set before the first table is
defined, whichever models module is imported first.

Pydantic's validator of each table class is built on its first use (`defer_build`), not when the
class is defined: a table class never validates what it is given (SQLModel sets the fields of a
table row without validation), and building the 30 validators cost every command that opens the
database about 0.03 s.
"""
from sqlmodel import SQLModel

from foia.db import NAMING_CONVENTION

SQLModel.metadata.naming_convention = NAMING_CONVENTION
SQLModel.model_config["defer_build"] = True

__all__ = ["SQLModel"]
