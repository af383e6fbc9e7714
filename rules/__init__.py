"""samcheck's built-in rule packs, registered through the ``samcheck.rules`` entry points."""
