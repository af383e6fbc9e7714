"""Concurrency budget rules (SC2xxx), for one template or a whole account (--account-scope)."""
