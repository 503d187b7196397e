"""Every catalogue is complete: no untranslated and no fuzzy entry in any zh-hans .po file."""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import crm

CATALOGUES = sorted(Path(crm.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_the_catalogues_are_found() -> None:
    assert Path(crm.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po" in CATALOGUES


def test_every_catalogue_is_fully_translated() -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed (Debian package gettext)"
    incomplete = {}
    for po in CATALOGUES:
        out = subprocess.run(  # noqa: S603 - fixed arguments, our own files
            [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
        )
        assert out.returncode == 0, out.stderr
        if re.search(r"fuzzy|untranslated", out.stderr):
            incomplete[str(po)] = out.stderr.strip()
    assert not incomplete


def _catalogue(po: Path, tmp_path: Path) -> dict[str, str]:
    mo = tmp_path / f"{po.parent.parent.parent.parent.name}.mo"
    subprocess.run(  # noqa: S603 - fixed arguments, our own files
        [shutil.which("msgfmt") or "msgfmt", "-o", str(mo), str(po)], check=True
    )
    with mo.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog  # type: ignore[attr-defined]
    # Plain entries only: "\x04" joins a context to its msgid, tuples are plural forms.
    return {k: v for k, v in catalog.items() if isinstance(k, str) and k and "\x04" not in k}


def test_one_msgid_has_one_translation_in_every_catalogue(tmp_path: Path) -> None:
    """Django merges the catalogues into one (the project's, then the apps in order), so an
    English msgid translated two ways shows one of them everywhere: a visit's "Due date"
    (计划日期) once appeared on invoices. A second meaning takes a context (pgettext)."""
    seen: dict[str, dict[str, str]] = {}
    for po in CATALOGUES:
        for msgid, msgstr in _catalogue(po, tmp_path).items():
            seen.setdefault(msgid, {})[str(po.relative_to(Path(crm.__file__).parent))] = msgstr
    clashes = {k: v for k, v in seen.items() if len(set(v.values())) > 1}
    assert not clashes
