"""Fail when the source has user-facing strings that the English catalog does not translate.

Regenerates the catalog into a scratch copy of the repository's locale folder (the committed
files are left untouched), then lists msgids that are new, untranslated or fuzzy.
Run by ``make check``; fix with ``make messages`` and translate the new entries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv/*", "var/*", "*/tests/*", "tests/*", "bench/*", "scripts/*", "node_modules/*"]


def entries(text: str) -> dict[str, str]:
    """msgid → msgstr (first form) of a .po file; fuzzy entries map to ""."""
    found: dict[str, str] = {}
    for block in text.split("\n\n"):
        fuzzy = "#, fuzzy" in block
        msgid = "".join(re.findall(r'^(?:msgid|msgid_plural)? ?"(.*)"$', block.split("msgstr")[0], re.M))
        msgstr_part = block.split("msgstr", 1)[1] if "msgstr" in block else ""
        msgstr = "".join(re.findall(r'"(.*)"', msgstr_part.split("msgstr[1]")[0]))
        if msgid:
            found[msgid] = "" if fuzzy else msgstr
    return found


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        backup = Path(scratch) / "django.po"
        shutil.copy2(PO, backup)
        try:
            cmd = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "--no-obsolete"]
            for pattern in IGNORE:
                cmd += ["--ignore", pattern]
            env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
            subprocess.run(cmd, cwd=ROOT, check=True, env=env, capture_output=True)  # noqa: S603
            fresh = entries(PO.read_text(encoding="utf-8"))
        finally:
            shutil.copy2(backup, PO)
    missing = sorted(msgid for msgid, msgstr in fresh.items() if not msgstr)
    if missing:
        print(f"{len(missing)} string(s) have no English translation; run `make messages` and translate:")
        for msgid in missing[:50]:
            print(f"  - {msgid}")
        return 1
    print(f"English catalog complete: {len(fresh)} strings.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
