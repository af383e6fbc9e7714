"""File paths as CI systems want them: relative to the repository's root.

GitHub annotations and code scanning resolve a path against the repository, whatever folder the
job ran samcheck in (``working-directory: infra`` must annotate ``infra/template.yaml``). The root is
the nearest folder above the working directory that holds ``.git`` (found without running git),
else the working directory itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def source_root() -> Path:
    from samcheck.cfn.local import repository_root

    here = Path.cwd().resolve()
    return repository_root(here) or here


@cache  # one resolve (a syscall per folder) per file, not per finding
def repository_path(file: str) -> str | None:
    """``file`` relative to the repository root, with ``/``; None when it lies outside it."""
    from samcheck.cfn.local import real

    try:
        return real(Path(file)).relative_to(source_root()).as_posix()
    except ValueError:
        return None
