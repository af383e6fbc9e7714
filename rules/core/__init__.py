"""Template-level rules: the file itself, the transform, references and quotas (SC0xxx)."""
