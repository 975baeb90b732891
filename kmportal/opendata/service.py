"""Open data, one function per file: each reads through kmportal.opendata.records (the
portal's visibility rules for an anonymous reader) and returns the file's bytes."""

from __future__ import annotations

from kmportal.opendata import dcat, feed, iati, tables


def catalogue(fmt: str) -> bytes:
    """The DCAT-AP 3 catalogue, fmt "turtle" or "json-ld"."""
    return dcat.serialise(dcat.catalogue_graph(), fmt)


def practices_csv() -> bytes:
    return tables.practices_csv()


def practices_json() -> bytes:
    return tables.practices_json()


def practices_atom() -> bytes:
    return feed.practices_atom()


def transfers_iati() -> bytes:
    return iati.transfers_xml()
