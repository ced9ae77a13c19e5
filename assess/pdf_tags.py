"""Finishing the tags of WeasyPrint's PDF for PDF/UA-1 (ISO 14289-1). WeasyPrint leaves three
things undone that a screen reader (and veraPDF) trips over:

- table header cells without /Scope, and /ID that data cells name in /Headers without an
  /IDTree to resolve them (7.5);
- the table of contents tagged as a plain list in an unknown element (7.1: use TOC and TOCI);
- running headers and page numbers marked as content of structure elements that are not in
  the tree: they become pagination artifacts, as PDF/UA asks of page decorations (7.1).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import cast

import pikepdf
from pikepdf import Array, Dictionary, Name, String

Elements = list[tuple[Dictionary, tuple[Name, ...]]]  # each with the kinds above it
PageMarks = dict[tuple[int, int], set[int]]  # page object → the MCIDs the tree reaches
# WeasyPrint opens tagged content as `/Span <</MCID 3>> BDC` (whitespace varies).
MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
PAGINATION = b"/Artifact <</Type /Pagination>> BDC"


def finish(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        tree = document.Root.get("/StructTreeRoot")
        if tree is None:
            return pdf
        elements = list(_elements(tree.K, ()))
        _scope_table_headers(document, tree, elements)
        _tag_tables_of_contents(elements)
        _mark_orphans_as_artifacts(document, tree, _reached_content(elements))
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _scope_table_headers(document: pikepdf.Pdf, tree: pikepdf.Object, elements: Elements) -> None:
    by_id: dict[bytes, Dictionary] = {}
    for element, parent_kinds in elements:
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


def _tag_tables_of_contents(elements: Elements) -> None:
    """An HTML <nav> (WeasyPrint: NonStruct) holding a list whose every item is a link is a
    table of contents: the list becomes TOC, its items TOCI, an item's body a Reference."""
    renamed = {Name.L: Name.TOC, Name.LI: Name.TOCI, Name.LBody: Name.Reference}
    for element, parent_kinds in elements:
        if element.S == Name.L and parent_kinds[-1:] == (Name.NonStruct,) and _all_links(element):
            element.P.S = Name.Div
            for part, _ in [(element, ()), *_elements(element.K, ())]:
                if (kind := cast(Name, part.S)) in renamed:
                    part.S = renamed[kind]


def _all_links(listing: Dictionary) -> bool:
    items = [kid for kid in _kids(listing) if kid.S == Name.LI]
    return bool(items) and all(
        any(Name.Link == part.S for part, _ in _elements(item.K, ())) for item in items
    )


def _mark_orphans_as_artifacts(
    document: pikepdf.Pdf, tree: pikepdf.Object, reached: PageMarks
) -> None:
    parents = tree.ParentTree.get("/Nums", Array())  # WeasyPrint writes one flat node
    for page in document.pages:
        page.contents_coalesce()
        tagged = reached.get(cast(tuple[int, int], page.objgen), set())
        content, orphans = _as_artifacts(page.obj.Contents.read_bytes(), tagged)
        if orphans:
            page.obj.Contents = document.make_stream(content)
            _forget(parents, int(page.obj.get("/StructParents", -1)), orphans)


def _as_artifacts(content: bytes, tagged: set[int]) -> tuple[bytes, set[int]]:
    """The content with every marked sequence outside `tagged` made a pagination artifact,
    and the MCIDs that were."""
    orphans: set[int] = set()

    def artifact(match: re.Match[bytes]) -> bytes:
        if (mcid := int(match[1])) in tagged:
            return match[0]
        orphans.add(mcid)
        return PAGINATION

    return MARKED.sub(artifact, content), orphans


def _reached_content(elements: Elements) -> PageMarks:
    """The marked content each page's structure elements point to (WeasyPrint gives every
    element its page and its content as MCIDs)."""
    reached: PageMarks = {}
    for element, _ in elements:
        if "/Pg" in element:
            kids = element.get("/K", Array())
            kids = kids if isinstance(kids, Array) else Array([kids])
            mcids = {int(kid) for kid in kids if isinstance(kid, int)}
            reached.setdefault(element.Pg.objgen, set()).update(mcids)
    return reached


def _forget(nums: pikepdf.Object, key: int, mcids: set[int]) -> None:
    """Drop the parent-tree entries of content that is now an artifact."""
    for position in range(0, len(nums), 2):
        if int(nums[position]) == key:
            entries = nums[position + 1]
            for mcid in mcids:
                if mcid < len(entries):
                    entries[mcid] = None
            return


def _kids(element: Dictionary) -> list[Dictionary]:
    kids = element.get("/K", Array())
    kids = kids if isinstance(kids, Array) else Array([kids])
    return [kid for kid in kids if isinstance(kid, Dictionary) and "/S" in kid]


def _elements(
    node: object, parent_kinds: tuple[Name, ...]
) -> Iterator[tuple[Dictionary, tuple[Name, ...]]]:
    """Every structure element under `node` in reading order, with the kinds of the elements
    above it (one stack instead of nested generators, which cost a call per level)."""
    stack = [(node, parent_kinds)]
    while stack:
        current, kinds = stack.pop()
        if isinstance(current, Array):
            stack.extend((child, kinds) for child in reversed(list(current)))
        elif isinstance(current, Dictionary) and "/S" in current:
            yield current, kinds
            if "/K" in current:
                stack.append((current.K, (*kinds, cast(Name, current.S))))
