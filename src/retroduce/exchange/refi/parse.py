"""From a parsed project.qde tree to the model: one handler per element of the schema.

Handlers name the children and attributes they understand; Walker reports the rest.
"""

from __future__ import annotations

from datetime import datetime
from xml.etree.ElementTree import Element

from .model import (
    LINK_DIRECTIONS,
    VARIABLE_TYPES,
    Case,
    Code,
    Link,
    Note,
    PDFSelection,
    Project,
    Selection,
    Set,
    Source,
    TextSelection,
    User,
    Variable,
    VariableValue,
    derived_guid,
    valid_value,
    walk_codes,
)
from .safezip import RefiError
from .text import check_spans, settle_bom
from .walk import NS_PROJECT, Walker, local

_MAX_CODE_DEPTH = 100  # real codebooks nest a handful of levels; this bounds our recursion


class Parser(Walker):
    def project(self, root: Element) -> Project:
        if local(root.tag) != "Project":
            raise RefiError(f"{self.name}: the root element is <{local(root.tag)}>, not <Project>")
        if not root.tag.startswith("{" + NS_PROJECT + "}"):
            self.warn(f"{self.name}: <Project> is not in the namespace {NS_PROJECT}")
        a = self.attrs(root, "name", "origin", "creatingUserGUID")
        sec: dict[str, Element] = {}
        sections = ("Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets")
        for tag, section in self.kids(root, "Project", *sections):
            if tag in sec:
                self.skip(section, "Project", "the schema allows this section only once")
            sec.setdefault(tag, section)
        variables = [self.variable(n) for n in self.items(sec.get("Variables"), "Variable")]
        self.types = {v.guid: v.type_of_variable for v in variables if v}
        codes = [
            self.code(code, "CodeBook", 1)
            for codes_node in self.items(sec.get("CodeBook"), "Codes")
            for code in self.items(codes_node, "Code")
        ]
        sources = [
            self.text_source(n) if local(n.tag) == "TextSource" else self.pdf_source(n)
            for n in self.items(sec.get("Sources"), "TextSource", "PDFSource")
        ]
        project = Project(
            name=a.get("name", ""),
            origin=a.get("origin", ""),
            creating_user_guid=a.get("creatingUserGUID"),
            users=self.keep(self.user(n) for n in self.items(sec.get("Users"), "User")),
            codebook=self.keep(codes),
            sources=self.keep(sources),
            notes=self.keep(self.note(n) for n in self.items(sec.get("Notes"), "Note")),
            variables=self.keep(variables),
            cases=self.keep(self.case(n) for n in self.items(sec.get("Cases"), "Case")),
            sets=self.keep(self.set(n) for n in self.items(sec.get("Sets"), "Set")),
            links=self.keep(self.link(n) for n in self.items(sec.get("Links"), "Link")),
        )
        self.check_references(project)
        return project

    def check_references(self, project: Project) -> None:
        """Warn of references to codes, notes or sources the project does not hold (any more)."""
        known = {
            "code": {c.guid for c in walk_codes(project.codebook)},
            "note": {n.guid for n in project.notes},
            "source": {s.guid for s in project.sources},
        }
        refs: list[tuple[str, str, str]] = []  # (where, kind, GUID)
        for source in project.sources:
            refs += [(f"Source {source.guid}", "note", n) for n in source.note_guids]
            for sel in source.selections:
                refs += [(f"Selection {sel.guid}", "code", c) for c in sel.code_guids]
                refs += [(f"Selection {sel.guid}", "note", n) for n in sel.note_guids]
        for case in project.cases:
            refs += [(f"Case {case.guid}", "source", s) for s in case.source_refs]
        for item in project.sets:
            refs += [(f"Set {item.guid}", "code", c) for c in item.member_code_guids]
            refs += [(f"Set {item.guid}", "source", s) for s in item.member_source_guids]
        for where, kind, guid in refs:
            if guid not in known[kind]:
                self.warn(f"{where}: refers to {kind} {guid}, which was not imported")

    def user(self, node: Element) -> User | None:
        opened = self.open(node, "Users", "name")
        return User(opened[1], opened[0].get("name", "")) if opened else None

    def code(self, node: Element, where: str, depth: int) -> Code | None:
        if depth > _MAX_CODE_DEPTH:
            raise RefiError(f"{self.name}: codes nested more than {_MAX_CODE_DEPTH} levels deep")
        opened = self.open(node, where, "name", "isCodable", "color")
        if opened is None:
            return None
        a, guid = opened
        here = f"Code {guid}"
        description, children = "", []
        for tag, child in self.kids(node, here, "Description", "Code"):
            if tag == "Description":
                description = child.text or ""
            else:
                children.append(self.code(child, here, depth + 1))
        codable = a.get("isCodable", "true").strip()
        if codable not in ("true", "1", "false", "0"):
            self.warn(f"{here}: isCodable={codable!r} is not a boolean; taken as true")
        return Code(
            guid=guid,
            name=a.get("name", ""),
            color=self.color(a.get("color"), here),
            description=description,
            is_codable=codable not in ("false", "0"),
            children=self.keep(children),
        )

    def variable(self, node: Element) -> Variable | None:
        opened = self.open(node, "Variables", "name", "typeOfVariable")
        if opened is None:
            return None
        a, guid = opened
        self.kids(node, f"Variable {guid}")  # a Description is reported, not kept
        kind = a.get("typeOfVariable", "Text").strip()
        if kind not in VARIABLE_TYPES:
            self.warn(f"Variable {guid}: unknown typeOfVariable {kind!r}; read as Text")
            kind = "Text"
        return Variable(guid, a.get("name", ""), kind)  # type: ignore[arg-type]

    def value(self, node: Element, where: str) -> VariableValue | None:
        self.attrs(node)
        ref, tag, raw = None, None, ""
        values = tuple(f"{kind}Value" for kind in VARIABLE_TYPES)
        for name, child in self.kids(node, where, "VariableRef", *values):
            if name == "VariableRef":
                ref = child.get("targetGUID")
            else:
                tag, raw = name, child.text or ""
        if not ref:
            self.skip(node, where, "it names no variable (VariableRef)")
            return None
        kind = self.types.get(ref)
        if kind is None:
            self.skip(node, where, f"variable {ref} is not defined in <Variables>")
            return None
        if tag and tag != f"{kind}Value":
            self.warn(f"VariableValue of {ref} in {where}: a {tag} for a {kind} variable")
        value = raw if kind == "Text" else raw.strip()
        if not valid_value(kind, value):
            self.skip(node, where, f"{value!r} is not a valid {kind} value for variable {ref}")
            return None
        return VariableValue(ref, value)

    def case(self, node: Element) -> Case | None:
        opened = self.open(node, "Cases", "name")
        if opened is None:
            return None
        a, guid = opened
        here = f"Case {guid}"
        values, sources = [], []
        for tag, child in self.kids(node, here, "VariableValue", "SourceRef"):
            if tag == "SourceRef":
                sources.append(child.get("targetGUID", ""))
            else:
                values.append(self.value(child, here))
        return Case(guid, a.get("name", ""), self.keep(values), tuple(sources))

    def marks(
        self, node: Element, where: str, coder: str | None, created: datetime | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The codes (through Coding/CodeRef) and notes (NoteRef) of a selection."""
        codes, notes = [], []
        for tag, child in self.kids(node, where, "Coding", "NoteRef"):
            if tag == "NoteRef":
                notes.append(child.get("targetGUID", ""))
                continue
            a = self.attrs(child, "guid", "creatingUser", "creationDateTime")
            refs = [
                r.get("targetGUID", "")
                for _, r in self.kids(child, f"Coding {a.get('guid')}", "CodeRef")
            ]
            codes += refs
            # The model keys a coding by its selection and code, with the selection's coder and
            # date. Report only what differs from that, i.e. what is really lost.
            derived = {derived_guid("coding", node.get("guid", ""), r) for r in refs}
            if a.get("guid", "").upper() not in derived:
                self.drop(child, "guid")
            if a.get("creatingUser", coder) != coder:
                self.drop(child, "creatingUser")
            if self.when(a.get("creationDateTime"), where) not in (None, created):
                self.drop(child, "creationDateTime")
        return tuple(codes), tuple(notes)

    def selection(self, node: Element, where: str) -> Selection | None:
        tag = local(node.tag)
        numbers = (
            ("startPosition", "endPosition")
            if tag == "PlainTextSelection"
            else ("page", "firstX", "firstY", "secondX", "secondY")
        )
        opened = self.open(node, where, "name", "creatingUser", "creationDateTime", *numbers)
        if opened is None:
            return None
        a, guid = opened
        try:
            n = [int(a[key].strip()) for key in numbers]
        except (KeyError, ValueError):
            self.skip(node, where, f"its {'/'.join(numbers)} are not all integers")
            return None
        here = f"{tag} {guid}"
        # Some producers date and sign the codings only: fall back on the first coding's.
        codings = [c for c in node if isinstance(c.tag, str) and local(c.tag) == "Coding"]
        coder = a.get("creatingUser") or next(
            (c.get("creatingUser") for c in codings if c.get("creatingUser")), None
        )
        stamp = a.get("creationDateTime") or next(
            (c.get("creationDateTime") for c in codings if c.get("creationDateTime")), None
        )
        created = self.when(stamp, here)
        codes, notes = self.marks(node, here, coder, created)
        common = dict(
            guid=guid,
            name=a.get("name", ""),
            coder_guid=coder,
            created=created,
            code_guids=codes,
            note_guids=notes,
        )
        if tag == "PlainTextSelection":
            return TextSelection(start=n[0], end=n[1], **common)
        return PDFSelection(
            page=n[0], first_x=n[1], first_y=n[2], second_x=n[3], second_y=n[4], **common
        )

    def texts(self, node: Element, a: dict[str, str], where: str, kids: list) -> tuple:
        """The text and text selections of a TextSourceType element, BOM settled."""
        inline = next((c for t, c in kids if t == "PlainTextContent"), None)
        text, bom = self.text(inline, a.get("plainTextPath"), where)
        selections = [self.selection(c, where) for t, c in kids if t == "PlainTextSelection"]
        chosen = [s for s in selections if isinstance(s, TextSelection)]
        if bom:
            chosen = settle_bom(text, chosen, where, self.report.warnings)
        check_spans(text, chosen, where, self.report.warnings)
        return text, tuple(chosen)

    def original(self, url: str | None, where: str) -> tuple[str | None, bytes | None]:
        member = self.member(url, where) if url else None
        return member, (self.load(member, where) if member else None)

    def tail(self, kids: list, where: str) -> dict:
        return dict(
            note_guids=tuple(c.get("targetGUID", "") for t, c in kids if t == "NoteRef"),
            variables=self.keep(self.value(c, where) for t, c in kids if t == "VariableValue"),
        )

    def text_source(self, node: Element) -> Source | None:
        opened = self.open(node, "Sources", "name", "plainTextPath", "richTextPath")
        if opened is None:
            return None
        a, guid = opened
        here = f"TextSource {guid}"
        kept = ("PlainTextContent", "PlainTextSelection", "NoteRef", "VariableValue")
        kids = self.kids(node, here, *kept)
        text, selections = self.texts(node, a, here, kids)
        # richTextPath: the styled original (a DOCX, section 9.1.3), kept as the original file.
        path, data = self.original(a.get("richTextPath"), here)
        return Source(
            guid, a.get("name", ""), "text", text, path, data, selections, **self.tail(kids, here)
        )

    def pdf_source(self, node: Element) -> Source | None:
        opened = self.open(node, "Sources", "name", "path")
        if opened is None:
            return None
        a, guid = opened
        here = f"PDFSource {guid}"
        kids = self.kids(node, here, "PDFSelection", "Representation", "NoteRef", "VariableValue")
        areas = [self.selection(c, here) for t, c in kids if t == "PDFSelection"]
        text, texts = "", ()
        representations = [c for t, c in kids if t == "Representation"]
        for extra in representations[1:]:
            self.skip(extra, here, "only one text representation per PDF is allowed")
        if representations:
            rep = representations[0]
            ra = self.attrs(rep, "guid", "plainTextPath")
            if ra.get("guid", "").upper() != derived_guid("representation", guid):
                self.drop(rep, "guid")
            where = f"Representation of {here}"
            rep_kids = self.kids(rep, where, "PlainTextContent", "PlainTextSelection")
            text, texts = self.texts(rep, ra, where, rep_kids)
        path, data = self.original(a.get("path"), here)
        selections = (*self.keep(areas), *texts)
        return Source(
            guid, a.get("name", ""), "pdf", text, path, data, selections, **self.tail(kids, here)
        )

    def note(self, node: Element) -> Note | None:
        opened = self.open(
            node, "Notes", "name", "creatingUser", "creationDateTime", "plainTextPath"
        )
        if opened is None:
            return None
        a, guid = opened
        here = f"Note {guid}"
        kids = self.kids(node, here, "PlainTextContent")
        text, _ = self.text(kids[0][1] if kids else None, a.get("plainTextPath"), here)
        created = self.when(a.get("creationDateTime"), here)
        return Note(guid, a.get("name", ""), text, created, a.get("creatingUser"))

    def link(self, node: Element) -> Link | None:
        keys = ("guid", "name", "direction", "color", "originGUID", "targetGUID")
        opened = self.open(node, "Links", *keys)
        if opened is None:
            return None
        a, guid = opened
        here = f"Link {guid}"
        self.kids(node, here)
        direction = a.get("direction", "Associative")
        if direction not in LINK_DIRECTIONS:
            self.warn(f"{here}: direction {direction!r} is unknown; read as Associative")
            direction = "Associative"
        origin, target = a.get("originGUID", ""), a.get("targetGUID", "")
        color = self.color(a.get("color"), here)
        return Link(guid, a.get("name", ""), direction, origin, target, color)  # type: ignore[arg-type]

    def set(self, node: Element) -> Set | None:
        opened = self.open(node, "Sets", "name")
        if opened is None:
            return None
        a, guid = opened
        here = f"Set {guid}"
        description, codes, sources = "", [], []
        for tag, child in self.kids(node, here, "Description", "MemberCode", "MemberSource"):
            if tag == "Description":
                description = child.text or ""
            else:
                (codes if tag == "MemberCode" else sources).append(child.get("targetGUID", ""))
        return Set(guid, a.get("name", ""), description, tuple(codes), tuple(sources))
