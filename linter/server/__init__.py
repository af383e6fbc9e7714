"""The language server (``samcheck server``): the checks of ``samcheck check`` for an editor.

``language_server`` speaks the protocol (pygls), ``linting`` runs the checks in a worker process
that keeps the translator loaded, ``protocol`` turns findings into diagnostics and edits.
"""
