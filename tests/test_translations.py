"""Every interface string is translated into Spanish, Portuguese and French, with the same
placeholders as the English original, and the catalogues compile."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [("kmportal/**.py", "python"), ("kmportal/**/templates/**.html", "jinja2")]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]")


@pytest.fixture(scope="module")
def source_messages() -> set[str]:
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), METHODS, keywords=KEYWORDS
    ):
        messages.add(message[0] if isinstance(message, tuple) else message)
    return messages


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_catalogue_translates_every_interface_string(language, source_messages, tmp_path):
    path = ROOT / "kmportal" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    missing = sorted(m for m in source_messages if catalogue.get(m) is None)
    assert missing == [], f"run: bash scripts/translations.sh update ({len(missing)} new)"
    untranslated, mismatched = [], []
    for message in catalogue:
        if not message.id or message.id not in source_messages:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(ids[0])
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        if any(set(PLACEHOLDER.findall(s)) - wanted for s in strings):
            mismatched.append(ids[0])
    assert untranslated == []
    assert mismatched == []
    with (tmp_path / "messages.mo").open("wb") as out:
        write_mo(out, catalogue)
