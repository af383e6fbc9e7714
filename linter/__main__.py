"""``python -m samcheck``.

For ``-m``, Python puts the current folder first on the module path, and that folder is usually
the repository being linted: its ``click.py`` or ``networkx/`` would stand in for the libraries
samcheck imports from here on. The folder is taken off first (the ``samcheck`` command and
``python -P`` never add it).
"""

import os
import sys

if not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from samcheck.cli import main  # only now: the module path is safe

main()
