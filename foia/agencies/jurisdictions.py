"""Loads foia/data/jurisdictions.toml into the Jurisdiction table (stub: filled by the agencies work)."""


def sync_jurisdictions(session) -> int:
    return 0
