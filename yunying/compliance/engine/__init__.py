"""The compliance engine, pure Python: normaliser, lexicons, patterns, scanner, name checks."""
