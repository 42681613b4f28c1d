"""The `ungcuu` console command: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def _cleaned(args: list[str]) -> list[str]:
    """The command line goes through the same text cleaning as the pages and the API."""
    from ungcuu.core.text import NulCharacterError, clean_text

    try:
        return [clean_text(arg) for arg in args]
    except NulCharacterError:
        sys.exit("Tham số dòng lệnh có ký tự không hợp lệ (NUL).")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ungcuu.settings")
    from django.core.management import execute_from_command_line

    from ungcuu.core.audit.context import from_console

    with from_console():  # the audit log names the console as the author of these changes
        execute_from_command_line(["ungcuu", *_cleaned(sys.argv[1:])])


if __name__ == "__main__":
    main()
