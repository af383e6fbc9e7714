"""Permissions and delivery: who may invoke, deliver to and read what (SC8xxx)."""
