"""Deployment package rules, measured on disk (SC7xxx)."""
