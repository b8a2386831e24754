"""SafePub's redaction engine: a pure library (no Flask, RQ or database imports).

Entry point: :class:`redaction.engine.RedactionEngine`.
"""
