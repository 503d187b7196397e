"""Every catalogue is complete: no untranslated and no fuzzy entry in any zh-hans .po file."""

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
