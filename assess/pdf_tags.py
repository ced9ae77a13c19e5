"""Finishing the tags of WeasyPrint's PDF for PDF/UA-1 (ISO 14289-1, 7.5): every table header
cell states whether it heads a column or a row (/Scope), and the /ID that data cells name in
their /Headers resolve through the structure tree's /IDTree. WeasyPrint writes neither."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import cast

import pikepdf
from pikepdf import Array, Dictionary, Name, String


def finish(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf
        by_id: dict[bytes, Dictionary] = {}
        for element, parent_kinds in _elements(tree.K, ()):
            if element.S == Name.TH:
                in_head = Name.THead in parent_kinds[-2:]
                attributes = element.get("/A") or Dictionary(O=Name.Table)
                attributes.Scope = Name.Column if in_head else Name.Row
                element.A = attributes
            if "/ID" in element:
                by_id[bytes(element.ID)] = element
        if by_id:  # a name tree with one node: its keys in byte order
            names = Array()
            for key in sorted(by_id):
                names.extend([String(key), by_id[key]])
            tree.IDTree = document.make_indirect(Dictionary(Names=names))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _elements(
    node: object, parent_kinds: tuple[Name, ...]
) -> Iterator[tuple[Dictionary, tuple[Name, ...]]]:
    """Every structure element under `node`, with the kinds of the elements above it."""
    if isinstance(node, Array):
        for child in node:
            yield from _elements(child, parent_kinds)
    elif isinstance(node, Dictionary) and "/S" in node:
        yield node, parent_kinds
        if "/K" in node:
            yield from _elements(node.K, (*parent_kinds, cast(Name, node.S)))
