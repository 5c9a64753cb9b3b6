"""Gateway administration commands: `python -m gateway.cli <command> ...`.

    python -m gateway.cli create-staff --email jo@council.example --name "Jo Bloggs"
    echo "$PASSWORD" | python -m gateway.cli create-staff --email ... --name ... --password-stdin

Each command is a `register_*` function adding an argparse subcommand whose handler returns the
exit status; add new commands the same way (and list them in `COMMANDS`).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

MIN_PASSWORD_CHARS = 12


def _database_url(args: argparse.Namespace) -> str:
    if getattr(args, "database_url", None):
        return args.database_url
    from gateway.settings import get_settings

    return get_settings().database_url


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("error: the passwords do not match", file=sys.stderr)
            return None
    if len(password) < MIN_PASSWORD_CHARS:
        print(f"error: the password must be at least {MIN_PASSWORD_CHARS} characters "
              "(three random words make a good one)", file=sys.stderr)
        return None
    return password


def create_staff(args: argparse.Namespace) -> int:
    from gateway.db import session_scope
    from gateway.models import StaffUser
    from gateway.spa.auth import hash_password, normalise_email

    email = normalise_email(args.email)
    name = " ".join(args.name.split())
    if "@" not in email or email.startswith("@") or email.endswith("@") or any(c.isspace() for c in email):
        print(f"error: {args.email!r} is not an email address", file=sys.stderr)
        return 2
    if not name or len(name) > 120:
        print("error: give the person's name (at most 120 characters)", file=sys.stderr)
        return 2
    password = _read_password(args)
    if password is None:
        return 2
    try:
        with session_scope(_database_url(args)) as db:
            if db.scalar(select(StaffUser.id).where(func.lower(StaffUser.email) == email)) is not None:
                print(f"error: a staff user with the email {email} already exists", file=sys.stderr)
                return 1
            db.add(StaffUser(email=email, name=name, password_hash=hash_password(password), is_active=True,
                             failed_attempts=0))
    except (OperationalError, ProgrammingError) as exc:
        print(f"error: the database is not ready ({exc.orig.__class__.__name__}); apply the migrations "
              "first (gateway.db.upgrade_to_head)", file=sys.stderr)
        return 1
    print(f"Created staff user {email} ({name}). They can sign in at /spa/sign-in.")
    return 0


def register_create_staff(subcommands: argparse._SubParsersAction) -> None:
    parser = subcommands.add_parser("create-staff", help="add an SPA staff user who can sign in to /spa/",
                                    description="Add an SPA staff user. The password is asked for twice, "
                                                "or read from the first line of standard input.")
    parser.add_argument("--email", required=True, help="the address they sign in with")
    parser.add_argument("--name", required=True, help="their name, shown on notes they write")
    parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    parser.add_argument("--database-url", help="default: DATABASE_URL, as the gateway uses")
    parser.set_defaults(handler=create_staff)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [register_create_staff]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway.cli", description="Gateway administration.")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in COMMANDS:
        register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
