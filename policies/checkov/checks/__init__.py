"""The organisation's own checkov checks: one check per file, each with a module-level `check`."""
