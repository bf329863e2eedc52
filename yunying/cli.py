"""The ``yunying`` command: every ``manage.py`` command plus the domain commands.

Domain commands (``workdays``, ``vault``, ``audit``, ``demo``, ``serve``) are ordinary Django
management commands in the apps, so ``yunying help`` lists them beside Django's own. A few short
names are aliases (``ALIASES``): ``check`` and ``check-name`` are the compliance checks.
"""

import os
import sys

# `yunying check` is the compliance check the team runs every day; Django's system check,
# which owns that name in manage.py, stays reachable as `yunying systemcheck`.
ALIASES = {
    "check": "compliance_check",
    "check-name": "compliance_check_name",
    "systemcheck": "check",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yunying.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["yunying", *args])


if __name__ == "__main__":
    main()
