"""The data files (JSON Schemas, the limits table, the ASL field table, AWS managed policies), read
through this package by ``samcheck.datafiles``."""
