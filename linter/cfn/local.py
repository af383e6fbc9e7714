"""Which local files a template may make samcheck read: those inside its project.

A template names other files it includes (``AWS::Include`` locations, ``DefinitionUri``, nested
templates). samcheck parses them and quotes their contents, so such a reference may not lead
outside the project: the repository the template is in (the nearest folder above it with ``.git``),
else the working directory when the template is inside it, else the template's own folder.
``SAMCHECK_PROJECT_ROOT`` names the root. (Code folders are only measured, wherever they are.)
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT_VARIABLE = "SAMCHECK_PROJECT_ROOT"


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` that holds ``.git`` (found without running git)."""
    here = folder.resolve()
    return next((candidate for candidate in (here, *here.parents) if (candidate / ".git").exists()), None)


def project_root(folder: Path) -> Path:
    """The project of a template in ``folder``."""
    configured = os.environ.get(PROJECT_ROOT_VARIABLE)
    if configured:
        return Path(configured).resolve()
    here = folder.resolve()
    repository = repository_root(here)
    if repository is not None:
        return repository
    working = Path.cwd().resolve()
    return working if here == working or working in here.parents else here


def inside_project(path: Path, folder: Path) -> bool:
    """Whether ``path`` (links followed) lies inside the project of a template in ``folder``."""
    try:
        path.resolve().relative_to(project_root(folder))
    except ValueError:
        return False
    return True
