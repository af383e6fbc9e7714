"""Fix: safe edits of a template's text (``edits``: planned at the source map's positions, then
verified), which of them hold when the result is linted again (``fixpoint``), the file read,
written and diffed (``files``), and each fix as the lines it replaces (``replacements``)."""
