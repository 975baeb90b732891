"""One reader's view of the index: an open searcher on one generation, with the facet
document sets, the practice ids of its documents and the answers callers may reuse until the
next commit, all built lazily."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reading:
    """An open searcher on the latest generation, with lazily built facet document sets."""

    searcher: object
    token: tuple
    doc_sets: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    # Answers callers may reuse until the next commit (e.g. similar practices of a page).
    memo: dict = field(default_factory=dict)

    def docs(self, fieldname: str, value: str) -> frozenset[int]:
        key = (fieldname, value)
        if key not in self.doc_sets:
            reader = self.searcher.reader()
            self.doc_sets[key] = frozenset(
                reader.postings(fieldname, value).all_ids() if (fieldname, value) in reader else ()
            )
        return self.doc_sets[key]

    def field_values(self, fieldname: str) -> list[str]:
        if fieldname not in self.values:
            reader = self.searcher.reader()
            self.values[fieldname] = [
                term.decode("utf-8") for term in reader.lexicon(fieldname) if term
            ]
        return self.values[fieldname]

    def practice_id(self, docnum: int) -> int:
        return int(self._id_column()[docnum])

    def docnum_of(self, practice_id: int) -> int | None:
        """The live document of a practice in this generation, if it has one."""
        if "ids" not in self.values:
            reader = self.searcher.reader()
            column = self._id_column()
            self.values["ids"] = {int(column[docnum]): docnum for docnum in reader.all_doc_ids()}
        return self.values["ids"].get(practice_id)

    def _id_column(self):
        if "id_column" not in self.values:
            self.values["id_column"] = self.searcher.reader().column_reader("id")
        return self.values["id_column"]

    def all_docs(self) -> frozenset[int]:
        if "*" not in self.doc_sets:
            self.doc_sets["*"] = frozenset(self.searcher.reader().all_doc_ids())
        return self.doc_sets["*"]
