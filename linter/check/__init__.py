"""Check: each file through the rules, before any verdict (``checker``), spread over processes
(``runner``), with a cache of expansions and findings (``cache``) and cfn-lint's checks
(``cfnlint_bridge``)."""
