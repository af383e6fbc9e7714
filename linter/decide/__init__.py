"""Decide: which findings a user sees, and how severe they are (``verdict``), from the rule
selection, the suppressions (``directives``, matched by ``selectors``) and the severity
overrides; the budgets added up across the run (``account``); ``--baseline`` (``baseline``)."""
