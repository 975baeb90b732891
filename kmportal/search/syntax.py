"""The query syntax, parsed: the tidy tokens (query.tidy) as sides of items, each a word,
a "phrase" or a (group), excluded or not; `OR` joins whole sides (`a b OR c d` is
`(a b) OR (c d)`). plan.py turns the items into clauses."""

from __future__ import annotations

from dataclasses import dataclass, field

from kmportal.search.query import OPERATORS


@dataclass
class Item:
    kind: str  # "word", "phrase" or "group"
    text: str
    negated: bool = False
    sides: list[list[Item]] = field(default_factory=list)


def parse(tokens: list[str], pos: int = 0) -> tuple[list[list[Item]], int]:
    sides: list[list[Item]] = [[]]
    while pos < len(tokens):
        token = tokens[pos]
        if token == ")":
            break
        if token in ("OR", "AND"):
            if token == "OR":
                sides.append([])
            pos += 1
            continue
        negated = token == "NOT"
        if negated:
            pos += 1
            token = tokens[pos]
        if token == '"':
            end = tokens.index('"', pos + 1)
            words = [t.lstrip("-+") for t in tokens[pos + 1 : end] if t not in OPERATORS]
            item = Item("phrase", " ".join(words), negated)
            pos = end + 1
        elif token == "(":
            inner, pos = parse(tokens, pos + 1)
            item = Item("group", "", negated, inner)
            pos += 1  # the closing parenthesis (tidy() balanced them)
        else:
            negated = negated or token.startswith("-")
            item = Item("word", token.lstrip("-+"), negated)
            pos += 1
        if item.text or item.sides:
            sides[-1].append(item)
    return [side for side in sides if side], pos


def asked_for(items: list[Item]) -> list[str]:
    """The text of the words, phrases and groups a side asks for (not those it excludes)."""
    texts: list[str] = []
    for item in items:
        if item.negated:
            continue
        if item.kind == "group":
            for inner in item.sides:
                texts.extend(asked_for(inner))
        else:
            texts.append(item.text)
    return texts
