"""Every user-visible string has a Danish translation."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None, "Nn_": (1, 2),
            "pgettext": ((1, "c"), 2)}


def source_messages() -> set[str]:
    method_map = [("app/**.py", "python"), ("templates/**.html", "jinja2"),
                  ("templates/**.txt", "jinja2")]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=method_map, keywords={**KEYWORDS},
            options_map={"templates/**.html": {}, "templates/**.txt": {}}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(locale: str):
    with (ROOT / "app" / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def test_every_message_has_a_danish_translation():
    da = catalogue("da")
    translated = {}
    for m in da:
        if m.id and "fuzzy" not in m.flags:
            key = m.id if isinstance(m.id, str) else m.id[0]
            strings = (m.string,) if isinstance(m.string, str) else m.string
            translated[key] = all(strings)
    missing = sorted(msg for msg in source_messages() if not translated.get(msg))
    assert not missing, ("messages without a Danish translation (run `make translations`, then "
                         f"fill app/translations/da): {missing}")


def test_english_catalogue_knows_every_message():
    en = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue("en") if m.id}
    missing = sorted(source_messages() - en)
    assert not missing, f"run `make translations`; missing from the English catalogue: {missing}"
