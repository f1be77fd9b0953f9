"""Keep every test, notebook run and Voila server away from the user's real answers file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="recovery-workbook-tests-"))
os.environ["RECOVERY_WORKBOOK_DB"] = str(_SESSION_DIR / "answers.sqlite3")
