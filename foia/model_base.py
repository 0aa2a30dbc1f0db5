"""The base of every table class: SQLModel, with our constraint names on its metadata.

Every models module imports SQLModel from here, so the names are set before the first table is
defined, whichever models module is imported first.
"""
from sqlmodel import SQLModel

from foia.db import NAMING_CONVENTION

SQLModel.metadata.naming_convention = NAMING_CONVENTION

__all__ = ["SQLModel"]
