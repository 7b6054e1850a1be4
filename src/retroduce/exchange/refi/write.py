"""Writing a Project as REFI-QDA 1.5: project.qde, a .qdc codebook, and the .qdpx archive.

Pure functions: bytes out, nothing touched on disk. The output validates against the project
schema (Project-mrt2019.xsd, section 5.3) and the codebook schema (section 5.2). A model value
the schema cannot carry (a malformed GUID or colour, "yes" for a Boolean) raises ValueError
naming the object, so a bad export is caught here rather than by the receiving software.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from .model import (
    VARIABLE_TYPES,
    Code,
    Link,
    PDFSelection,
    Project,
    Selection,
    Source,
    TextSelection,
    VariableValue,
    derived_guid,
    valid_value,
)
from .safezip import unsafe_path_reason
from .xmlout import El, el, render

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
INTERNAL = "internal://"  # section 8.3: internal files are named "internal://<file in sources/>"

_GUID = re.compile(
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})"
)
# The schema also allows "#rgb"; the model keeps the long form only (the reader expands).
_RGB = re.compile(r"#[A-Fa-f0-9]{6}")


def _guid(value: str | None, what: str) -> str | None:
    if value is not None and not _GUID.fullmatch(value.strip()):
        raise ValueError(f"{what}: {value!r} is not a GUID")
    return value


def _color(value: str | None, what: str) -> str | None:
    if value is not None and not _RGB.fullmatch(value):
        raise ValueError(f"{what}: colour {value!r} is not #rrggbb")
    return value


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def text_member(source: Source) -> str:
    """Where a source's plain text lives in the archive (section 9.1.2: a UTF-8 .txt file)."""
    return f"sources/{source.guid.strip('{}')}.txt"


def original_member(source: Source) -> str | None:
    """Where a source's original file (the PDF, or a DOCX behind a text) lives in the archive."""
    if source.original_path is not None:
        name = source.original_path.removeprefix("sources/")
        reason = unsafe_path_reason(name)
        if not source.original_path.startswith("sources/") or not name or reason:
            raise ValueError(
                f"Source {source.guid}: original_path {source.original_path!r} is not a file "
                "in the archive's sources/ folder"
            )
        if source.original_path == text_member(source):
            raise ValueError(f"Source {source.guid}: original_path clashes with its plain text")
        return source.original_path
    if source.kind == "pdf" and source.original_bytes is not None:
        return f"sources/{source.guid.strip('{}')}.pdf"
    return None


def _refs(tag: str, guids: tuple[str, ...], what: str) -> list[El]:
    return [el(tag, targetGUID=_guid(g, what)) for g in guids]


def _code(code: Code) -> El:
    what = f"Code {code.guid}"
    node = el(
        "Code",
        guid=_guid(code.guid, what),
        name=code.name,
        isCodable="true" if code.is_codable else "false",
        color=_color(code.color, what),
    )
    if code.description:
        node.add(el("Description", code.description))
    node.children.extend(_code(child) for child in code.children)
    return node


def _variable_value(value: VariableValue, types: dict[str, str], what: str) -> El:
    kind = types.get(value.variable_guid)
    if kind is None:
        raise ValueError(f"{what}: value for unknown variable {value.variable_guid}")
    if not valid_value(kind, value.value):
        raise ValueError(f"{what}: {value.value!r} is not a valid {kind} value")
    node = el("VariableValue")
    node.add(el("VariableRef", targetGUID=_guid(value.variable_guid, what)))
    if value.value:  # the value element is optional (an xsd:choice of minOccurs 0)
        node.add(el(f"{kind}Value", value.value))
    return node


def _selection(sel: Selection) -> El:
    what = f"Selection {sel.guid}"
    common = {
        "guid": _guid(sel.guid, what),
        "name": sel.name,
    }
    if isinstance(sel, TextSelection):
        if not 0 <= sel.start <= sel.end:
            raise ValueError(f"{what}: start {sel.start} and end {sel.end} are not a span")
        node = el(
            "PlainTextSelection", **common, startPosition=str(sel.start), endPosition=str(sel.end)
        )
    else:
        node = el(
            "PDFSelection",
            **common,
            page=str(sel.page),
            firstX=str(sel.first_x),
            firstY=str(sel.first_y),
            secondX=str(sel.second_x),
            secondY=str(sel.second_y),
        )
    node.attrs["creatingUser"] = _guid(sel.coder_guid, what)
    node.attrs["creationDateTime"] = _when(sel.created)
    for code_guid in sel.code_guids:
        coding = el(
            "Coding",
            guid=derived_guid("coding", sel.guid, code_guid),
            creatingUser=sel.coder_guid,
            creationDateTime=_when(sel.created),
        )
        coding.add(el("CodeRef", targetGUID=_guid(code_guid, what)))
        node.add(coding)
    node.children.extend(_refs("NoteRef", sel.note_guids, what))
    return node


def _source(source: Source, types: dict[str, str]) -> El:
    what = f"Source {source.guid}"
    text_path = INTERNAL + text_member(source).removeprefix("sources/")
    original = original_member(source)
    original_url = INTERNAL + original.removeprefix("sources/") if original else None
    texts = [_selection(s) for s in source.selections if isinstance(s, TextSelection)]
    areas = [_selection(s) for s in source.selections if isinstance(s, PDFSelection)]
    if source.kind == "text":
        if areas:
            raise ValueError(f"{what}: a text source cannot hold PDF selections")
        node = el(
            "TextSource",
            guid=_guid(source.guid, what),
            name=source.name,
            richTextPath=original_url,
            plainTextPath=text_path,
        )
        node.children.extend(texts)
    elif source.kind == "pdf":
        node = el("PDFSource", guid=_guid(source.guid, what), name=source.name, path=original_url)
        node.children.extend(areas)
        # Section 10.3: text selections of a PDF are made in its plain text representation.
        representation = el(
            "Representation",
            guid=derived_guid("representation", source.guid),
            plainTextPath=text_path,
        )
        representation.children.extend(texts)
        node.add(representation)
    else:
        raise ValueError(f"{what}: unknown kind {source.kind!r}")
    node.children.extend(_refs("NoteRef", source.note_guids, what))
    node.children.extend(_variable_value(v, types, what) for v in source.variables)
    return node


def _link(link: Link) -> El:
    what = f"Link {link.guid}"
    return el(
        "Link",
        guid=_guid(link.guid, what),
        name=link.name,
        direction=link.direction,
        color=_color(link.color, what),
        originGUID=_guid(link.origin_guid, what),
        targetGUID=_guid(link.target_guid, what),
    )


def _section(tag: str, children: list[El]) -> El | None:
    # Every collection element of the schema needs at least one child: leave out empty ones.
    return El(tag, {}, children) if children else None


def project_qde(project: Project) -> bytes:
    """project.qde: the whole project as XML in urn:QDA-XML:project:1.0 (section 5.3)."""
    types: dict[str, str] = {v.guid: v.type_of_variable for v in project.variables}
    for variable in project.variables:
        if variable.type_of_variable not in VARIABLE_TYPES:
            raise ValueError(f"Variable {variable.guid}: unknown type {variable.type_of_variable}")
    root = el(
        "Project",
        xmlns=NS_PROJECT,
        name=project.name,
        origin=project.origin,
        creatingUserGUID=_guid(project.creating_user_guid, "Project"),
    )
    users = [el("User", guid=_guid(u.guid, "User"), name=u.name) for u in project.users]
    root.add(_section("Users", users))
    if project.codebook:
        root.add(El("CodeBook", {}, [El("Codes", {}, [_code(c) for c in project.codebook])]))
    variables = [
        el(
            "Variable",
            guid=_guid(v.guid, "Variable"),
            name=v.name,
            typeOfVariable=v.type_of_variable,
        )
        for v in project.variables
    ]
    root.add(_section("Variables", variables))
    cases = []
    for case in project.cases:
        what = f"Case {case.guid}"
        node = el("Case", guid=_guid(case.guid, what), name=case.name)
        node.children.extend(_variable_value(v, types, what) for v in case.variable_values)
        node.children.extend(_refs("SourceRef", case.source_refs, what))
        cases.append(node)
    root.add(_section("Cases", cases))
    root.add(_section("Sources", [_source(s, types) for s in project.sources]))
    notes = []
    for note in project.notes:
        what = f"Note {note.guid}"
        node = el(
            "Note",
            guid=_guid(note.guid, what),
            name=note.name,
            creatingUser=_guid(note.creator_guid, what),
            creationDateTime=_when(note.created),
        )
        node.add(el("PlainTextContent", note.text))
        notes.append(node)
    root.add(_section("Notes", notes))
    root.add(_section("Links", [_link(link) for link in project.links]))
    sets = []
    for item in project.sets:
        what = f"Set {item.guid}"
        node = el("Set", guid=_guid(item.guid, what), name=item.name)
        if item.description:
            node.add(el("Description", item.description))
        node.children.extend(_refs("MemberCode", item.member_code_guids, what))
        node.children.extend(_refs("MemberSource", item.member_source_guids, what))
        sets.append(node)
    root.add(_section("Sets", sets))
    return render(root)


def codebook_qdc(project: Project) -> bytes:
    """The codebook alone, as a .qdc in urn:QDA-XML:codebook:1.0 (sections 4.4 and 5.2).

    The codebook schema's Set holds codes only, named by a "guid" attribute (MemberCodeType),
    so sets without codes are left out and sources in sets are not part of a codebook.
    """
    if not project.codebook:
        raise ValueError("an empty codebook cannot be written: the schema requires one code")
    root = el("CodeBook", xmlns=NS_CODEBOOK, origin=project.origin)
    root.add(El("Codes", {}, [_code(c) for c in project.codebook]))
    sets = []
    for item in project.sets:
        if not item.member_code_guids:
            continue
        node = el("Set", guid=_guid(item.guid, f"Set {item.guid}"), name=item.name)
        if item.description:
            node.add(el("Description", item.description))
        node.children.extend(el("MemberCode", guid=g) for g in item.member_code_guids)
        sets.append(node)
    root.add(_section("Sets", sets))
    return render(root)


def _store(archive: zipfile.ZipFile, member: str, data: bytes) -> None:
    # A fixed timestamp makes the archive a function of the project alone (reproducible).
    info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_qdpx(project: Project) -> bytes:
    """The .qdpx archive (section 8.1): project.qde and a flat sources/ folder."""
    qde = project_qde(project)
    buffer = io.BytesIO()
    files: dict[str, bytes] = {}

    def add(member: str, data: bytes, guid: str) -> None:
        # A name twice in one zip is ambiguous, and read_qdpx refuses such archives.
        if member.casefold() in (m.casefold() for m in files):
            raise ValueError(f"Source {guid}: {member} is used by another source")
        files[member] = data

    for source in project.sources:
        # Section 9.1.2: UTF-8, and no BOM, so code point 0 is the first character.
        add(text_member(source), source.plain_text.encode("utf-8"), source.guid)
        original = original_member(source)
        if original is not None and source.original_bytes is not None:
            add(original, source.original_bytes, source.guid)
    with zipfile.ZipFile(buffer, "w") as archive:
        _store(archive, "project.qde", qde)
        for member, data in files.items():
            _store(archive, member, data)
    return buffer.getvalue()
