#!/usr/bin/env python
"""Kept for habit; ``yunying`` does the same."""

from yunying.cli import main

if __name__ == "__main__":
    main()
