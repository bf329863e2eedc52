"""The ``yunying`` command: every ``manage.py`` command plus the domain commands.

Domain commands (``workdays``, ``vault``, ``audit``, ``demo``, ``serve``) are ordinary Django
management commands in the apps, so ``yunying help`` lists them beside Django's own.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yunying.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["yunying", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
