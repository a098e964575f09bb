"""The English translation: shown when chosen, and complete.

The catalogue tests parse locale/en/LC_MESSAGES/django.po with the standard library only (no gettext
tools at test time), so a new Chinese string without an English translation, a fuzzy entry left by
makemessages, or a .po edited without recompiling the .mo all fail here instead of showing Chinese
in the English interface.
"""

import ast
import gettext
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
PASSWORD = "a-long-test-password-1"

# What makemessages scans (the test command's --ignore list) and the functions it extracts.
SKIPPED_DIRS = {
    ".venv",
    "var",
    "tests",
    "node_modules",
    "staticfiles",
    "media",
    "test-artifacts",
    "migrations",
}
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT_GETTEXT_NAMES = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
TEMPLATE_TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(?:"([^"]*)"|'([^']*)')""")
TEMPLATE_BLOCK = re.compile(r"\{%\s*blocktranslate\b([^%]*)%\}(.*?)\{%\s*endblocktranslate\s*%\}", re.DOTALL)
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


# --- The English interface ---------------------------------------------------------------------------


@pytest.fixture
def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def _fresh_throttle_cache():
    """The token endpoint is throttled per address through the cache: start and end clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_login_page_is_in_english_when_chosen(english_client):
    response = english_client.get("/accounts/login/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Staff login" in page
    assert ">Log in</button>" in page
    assert ">Username</label>" in page
    assert ">Password</label>" in page
    assert "用户名" not in page
    assert "登录" not in page


@pytest.mark.django_db
def test_login_page_stays_chinese_without_the_cookie(client):
    page = client.get("/accounts/login/").content.decode()

    assert ">用户名</label>" in page
    assert "Username" not in page


@pytest.mark.django_db
def test_admin_index_shows_english_app_and_model_names(english_client):
    english_client.force_login(
        User.objects.create_superuser("root", "root@example.org", PASSWORD, role="admin")
    )

    response = english_client.get(reverse("admin:index"))

    assert response.status_code == 200
    page = response.content.decode()
    assert ">Complaint Handling</a>" in page
    assert ">Grids and Organizations</a>" in page
    assert ">Work calendar</a>" in page
    assert ">诉求办理</a>" not in page
    assert ">网格与组织</a>" not in page


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_throttle_cache")
def test_api_errors_are_in_english_when_chosen(english_client):
    User.objects.create_user("u1", password=PASSWORD, role="handler")

    response = english_client.post(
        "/api/v1/auth/token/",
        {"username": "u1", "password": "wrong-password"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Incorrect username or password"
    assert body["errors"]["non_field_errors"] == [
        "The username or password is incorrect, or the account is disabled."
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("_fresh_throttle_cache")
def test_api_errors_ignore_accept_language(client):
    User.objects.create_user("u1", password=PASSWORD, role="handler")

    response = client.post(
        "/api/v1/auth/token/",
        {"username": "u1", "password": "wrong-password"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )

    assert response.status_code == 400
    assert response.json()["message"] == "用户名或密码不正确"


# --- The catalogue is complete ------------------------------------------------------------------------


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def po_entries(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a dict of form index → text), flags.

    The header (empty msgid) and obsolete ``#~`` entries are left out.
    """
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry.get("msgid"):
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            entry, field = {"flags": {f.strip() for f in line[2:].split(",")}, "msgstr": {}}, None
            continue
        if line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
            continue
        if keyword in ("msgctxt", "msgid") and (entry is None or "msgid" in entry):
            finish()
            entry = {"flags": set(), "msgstr": {}}
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
        if match:
            field = ("msgstr", int(match.group(1) or 0))
            entry["msgstr"][field[1]] = _unquote(rest)
        else:
            field = (keyword, None)
            entry[keyword] = _unquote(rest)
    finish()
    return entries


def _key(entry: dict) -> tuple[str | None, str]:
    return entry.get("msgctxt"), entry["msgid"]


def test_po_file_has_a_real_translation_for_every_entry():
    entries = po_entries(PO_PATH)

    assert len(entries) > 500, "the parser found too few entries: is the .po file damaged?"
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not all(text.strip() for text in e["msgstr"].values())]
    missing_plural_forms = [e["msgid"] for e in entries if "msgid_plural" in e and set(e["msgstr"]) != {0, 1}]
    assert not fuzzy, f"fuzzy entries (check each translation, then remove the flag): {fuzzy}"
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not missing_plural_forms, f"entries without both English plural forms: {missing_plural_forms}"


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%(?:\(\w+\))?[-+ #0]*\d*(?:\.\d+)?[sdifr]|\{\w*\}", text.replace("%%", "")))


def test_translations_keep_the_format_placeholders():
    wrong = [
        (e["msgid"], text)
        for e in po_entries(PO_PATH)
        for text in e["msgstr"].values()
        if _placeholders(text) != _placeholders(e.get("msgid_plural", e["msgid"]))
        and _placeholders(text) != _placeholders(e["msgid"])
    ]
    assert not wrong, f"placeholders differ from the source: {wrong}"


def test_compiled_mo_matches_the_po_file():
    with MO_PATH.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    compiled = {}
    for msgid, text in catalog.items():
        if isinstance(msgid, tuple):  # plural forms: (msgid, index)
            msgid, index = msgid
        else:
            index = 0
        if msgid == "":
            continue
        context, _sep, bare = msgid.rpartition("\x04")
        compiled[(context or None, bare, index)] = text
    in_po = {(*_key(e), index): text for e in po_entries(PO_PATH) for index, text in e["msgstr"].items()}

    assert compiled == in_po, "django.mo is out of date: run `manage.py compilemessages -l en`"


def _python_messages(path: Path) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
        ]
        if name in GETTEXT_NAMES and args and args[0]:
            found.add((None, args[0]))
        elif name in CONTEXT_GETTEXT_NAMES and len(args) > 1 and args[0] is not None and args[1]:
            found.add((args[0], args[1]))
    return found


def _template_messages(path: Path) -> set[tuple[str | None, str]]:
    text = path.read_text(encoding="utf-8")
    # makemessages doubles a literal "%" in template strings (they become python-format msgids).
    found = {
        (None, (double or single).replace("%", "%%")) for double, single in TEMPLATE_TRANSLATE.findall(text)
    }
    for options, body in TEMPLATE_BLOCK.findall(text):
        if "count" in options or "context" in options or "trimmed" in options or "{%" in body:
            continue  # forms this simple scan does not rebuild; makemessages still covers them
        found.add((None, TEMPLATE_VARIABLE.sub(r"%(\1)s", body.replace("%", "%%"))))
    return found


def _project_files(suffix: str):
    for folder, dirs, files in os.walk(settings.BASE_DIR):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")]  # never walk .venv
        yield from (Path(folder) / name for name in files if name.endswith(suffix))


def test_every_marked_string_in_the_code_is_in_the_catalogue():
    """A string marked for translation after the last makemessages run would show in Chinese in English."""
    in_code = {}
    for path in _project_files(".py"):
        for key in _python_messages(path):
            in_code.setdefault(key, path)
    for path in _project_files(".html"):
        for key in _template_messages(path):
            in_code.setdefault(key, path)
    in_po = {_key(e) for e in po_entries(PO_PATH)}

    assert (None, "登录") in in_code, "the scan found nothing: are the skipped folders right?"
    missing = sorted(
        f"{path.relative_to(settings.BASE_DIR)}: {msgid}"
        for (_c, msgid), path in in_code.items()
        if (_c, msgid) not in in_po
    )
    assert not missing, (
        "strings missing from locale/en/LC_MESSAGES/django.po (run makemessages -l en --ignore=.venv "
        "--ignore=var --ignore=tests --ignore=node_modules, translate, compilemessages; note that xgettext "
        "skips gettext() inside f-strings):\n" + "\n".join(missing)
    )
