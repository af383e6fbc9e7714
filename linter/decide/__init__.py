"""Decide: which findings a user sees, and how severe they are (``verdict``), from the rule
selection, the suppressions (``directives``, matched by ``selectors``) and the severity
overrides; the run-wide rules judged over every file (``run_wide``); ``--baseline`` (``baseline``)."""
