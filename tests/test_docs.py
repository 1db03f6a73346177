"""Every code block of the README and docs/ runs as written.

- ``python`` blocks run, in order, in one namespace per page, in a scratch folder;
- ``bash`` blocks run in the same scratch folder (``bash -e``), after the page's Python blocks before them;
- ``console`` blocks are transcripts: each ``$ opdims ...`` line must parse with the command's options
  (the output lines after it are not checked);
- blocks tagged ``needs-MODULE`` (e.g. ```` ```python needs-neurogym ````) run only where MODULE is installed;
- blocks tagged ``notest`` (e.g. ```` ```bash notest ````: installing, a cluster, the tens-of-minutes
  reproduction) are not run, but their ``opdims`` command lines must parse.

Pages that use the authors' data get ``$OPDIMS_ORIGINAL_DATA`` and ``DATA`` (its path) and are skipped,
with the reason, when the data is absent; the other pages run without ``$OPDIMS_ORIGINAL_DATA`` (on the
bundled default networks). Every block has a time limit (``BLOCK_SECONDS``): the whole test runs in CI,
so a block must stay small (few trials, few ranks) and say so on its page.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from opdims.cli import build_parser
from opdims.data.sources import ENV_VAR, original_data_dir

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```", re.M | re.S)
NEEDS_DATA = ("OPDIMS_ORIGINAL_DATA", "shared/reference/original", "DATA", "original_data_dir", "--original")
SHELLS = ("bash", "sh")
BLOCK_SECONDS = 300  #: most seconds one block may take (a guard against a hang, not a target)


def blocks(page: Path):
    """``(language, tags, code)`` of every fenced block of a page."""
    for match in FENCE.finditer(page.read_text()):
        info = match.group(1).split()
        yield (info[0] if info else ""), set(info[1:]), match.group(2)


def command_lines(code: str, transcript: bool = False):
    """``opdims ...`` command lines of a shell block, or the ``$ opdims ...`` lines of a transcript
    (continuations joined, comments dropped)."""
    text = code.replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if transcript:
            if not line.startswith("$ "):
                continue  # output of the command before
            line = line[2:]
        line = line.split(" #")[0].strip()
        if line.startswith("opdims "):
            yield line


def parse(line: str) -> None:
    words = [os.path.expandvars(w) for w in shlex.split(line)[1:]]
    try:
        build_parser().parse_args(words)
    except SystemExit as exc:
        if exc.code:
            raise AssertionError(f"documented command does not parse: {line}") from None


@contextmanager
def time_limit(seconds: int, what: str):
    """Raise ``TimeoutError`` in the main thread if the body runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGALRM"):
        yield
        return

    def expired(signum, frame):
        raise TimeoutError(f"{what} ran longer than {seconds} s; documented blocks must stay quick")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_documented_commands_parse(page):
    for language, _, code in blocks(page):
        if language in (*SHELLS, "console"):
            for line in command_lines(code, transcript=language == "console"):
                parse(line)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_code_blocks_run(page, tmp_path, monkeypatch):
    runnable = [(lang, code) for lang, tags, code in blocks(page)
                if lang in ("python", *SHELLS) and "notest" not in tags and all(
                    importlib.util.find_spec(tag.removeprefix("needs-")) for tag in tags if tag.startswith("needs-"))]
    if not runnable:
        pytest.skip(f"{page.name}: no runnable block")
    data = original_data_dir()
    needs_data = any(marker in code for _, code in runnable for marker in NEEDS_DATA)
    if needs_data and data is None:
        pytest.skip(f"{page.name} uses the authors' data: set {ENV_VAR} or provide ../shared/reference/original")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    if needs_data:
        env[ENV_VAR] = str(data)
        monkeypatch.setenv(ENV_VAR, str(data))
    else:
        env.pop(ENV_VAR, None)
        monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__main__", "DATA": str(data) if data else None}
    for number, (language, code) in enumerate(runnable, start=1):
        started = time.perf_counter()
        if language == "python":
            try:
                with time_limit(BLOCK_SECONDS, f"{page.name}, Python block {number}"):
                    exec(compile(code, f"{page.name}, block {number}", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(f"{page.name}, Python block {number} failed: {type(exc).__name__}: {exc}\n"
                                     f"{code}") from exc
        else:
            try:
                done = subprocess.run(["bash", "-e", "-c", code], cwd=tmp_path, env=env, capture_output=True,
                                      text=True, timeout=BLOCK_SECONDS)
            except subprocess.TimeoutExpired:
                raise AssertionError(f"{page.name}, shell block {number} ran longer than {BLOCK_SECONDS} s; "
                                     f"documented blocks must stay quick:\n{code}") from None
            assert done.returncode == 0, (f"{page.name}, shell block {number} failed ({done.returncode}):\n{code}\n"
                                          f"{done.stderr[-3000:]}")
        print(f"{page.name}: {language} block {number}: {time.perf_counter() - started:.1f} s")
    sys.stdout.flush()
