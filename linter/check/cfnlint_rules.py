"""cfn-lint's rules as samcheck names them (``CFN-E3012``, ``cfn-`` slugs), listed without linting
anything, so selectors and suppressions that name them can be checked. Read once per process, and
only when a ``CFN`` selector is named: loading cfn-lint's rules takes about a second.
"""

from __future__ import annotations

import os
from functools import cache

from samcheck.check.cfnlint_bridge import cfn_lint_settings, rule_slug

# The bridge's own finding when cfn-lint fails on a file (its id is cfn-lint's parse error's).
_BRIDGE_RULES = (("CFN-E0000", "cfn-lint-failed"),)


@cache
def cfn_lint_rules() -> tuple[tuple[str, str], ...] | None:
    """(id, slug) of every rule cfn-lint runs with samcheck's configuration of it (the user's
    ``append_rules`` included); None when cfn-lint cannot load them, so no selector is refused."""
    try:
        from cfnlint.config import ConfigMixIn
        from cfnlint.runner import Runner

        # As the bridge runs it: an empty explicit configuration file, so cfn-lint reads no .cfnlintrc.
        config = ConfigMixIn(["--config-file", os.devnull], **dict(cfn_lint_settings().options))
        rules = Runner(config).rules.values()
    except (Exception, SystemExit):  # a broken append_rules module fails the same way when linting
        return None
    return _BRIDGE_RULES + tuple((f"CFN-{rule.id}", rule_slug(str(rule.shortdesc))) for rule in rules)
