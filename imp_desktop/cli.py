"""The one entry point: ``imp-desktop`` opens the window; sub-commands do headless work.

Every command accepts ``--db PATH`` (default: ``$IMP_DESKTOP_DB`` or the user's
data folder). A user error prints one line on stderr and exits with 1.
Feature modules in ``imp_desktop.commands`` add their own sub-commands.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from imp_desktop import APP_ID, __version__
from imp_desktop.errors import UserError
from imp_desktop.i18n import set_language, tr

# Verbs that take a kind: ``imp-desktop import regions FILE``.
KIND_VERBS = ("import", "export", "list", "report", "package", "server")


class CommandLine:
    """The parser under construction; command modules add to it."""

    def __init__(self):
        # Sub-commands repeat --db/--lang with SUPPRESS so that a value given
        # before the command name is not overwritten by the sub-parser default.
        self.common = self._common_options(argparse.SUPPRESS)
        self.parser = argparse.ArgumentParser(
            prog=APP_ID, parents=[self._common_options(None)],
            description="IMP Desktop: registry, attendance, role checklists and reports "
                        "for PKB officers. Without a command, opens the window.")
        self.parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
        self.commands = self.parser.add_subparsers(dest="command", metavar="COMMAND")
        self.kinds: dict[str, argparse._SubParsersAction] = {}
        for verb in KIND_VERBS:
            verb_parser = self.commands.add_parser(verb, help=f"{verb} records or files")
            self.kinds[verb] = verb_parser.add_subparsers(dest="kind", metavar="KIND",
                                                          required=True)

    @staticmethod
    def _common_options(default) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(add_help=False)
        parser.add_argument("--db", metavar="PATH", default=default,
                            help="database file or URL (default: $IMP_DESKTOP_DB "
                                 "or the user's data folder)")
        parser.add_argument("--lang", choices=("id", "en"), default=default,
                            help="language of messages and reports (default: id)")
        parser.add_argument("--recovery-key-file", metavar="FILE", default=default,
                            help="a file holding the recovery key of an encrypted database "
                                 "whose key is not in this account's credential store")
        parser.add_argument("--key-passphrase-file", metavar="FILE", default=default,
                            help="where no credential store exists: a file holding the "
                                 "passphrase that protects the database keys")
        return parser

    def command(self, name: str, handler, help: str) -> argparse.ArgumentParser:
        parser = self.commands.add_parser(name, parents=[self.common], help=help)
        parser.set_defaults(handler=handler)
        return parser

    def kind(self, verb: str, name: str, handler, help: str) -> argparse.ArgumentParser:
        parser = self.kinds[verb].add_parser(name, parents=[self.common], help=help)
        parser.set_defaults(handler=handler)
        return parser


def build_parser() -> argparse.ArgumentParser:
    cli = CommandLine()
    from imp_desktop import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(cli)
    return cli.parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    handler = getattr(args, "handler", None)
    try:
        _use_keys(args)
        if handler is None:
            from imp_desktop.ui.app import run_window

            return run_window(args.db)
        return int(handler(args) or 0)
    except UserError as exc:
        print(f"{APP_ID}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        explained = _explained(exc)
        if explained is None:
            raise
        print(f"{APP_ID}: {explained}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # Output piped into a program that stopped reading (e.g. ``| head``).
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"{APP_ID}: {tr('cli.interrupted')}", file=sys.stderr)
        return 130


def _use_keys(args) -> None:
    """``--recovery-key-file`` / ``--passphrase-file``: keys for encrypted databases."""
    if getattr(args, "recovery_key_file", None):
        from imp_desktop.data import keystore

        keystore.use_recovery_key(keystore.read_recovery_key_file(args.recovery_key_file))
    if getattr(args, "key_passphrase_file", None):
        from pathlib import Path

        from imp_desktop.data import keystore

        try:
            text = Path(args.key_passphrase_file).read_text(encoding="utf-8").strip("\r\n")
        except OSError as exc:
            raise UserError(tr("key.error.recovery_file", path=args.key_passphrase_file)) from exc
        keystore.unlock(text)


def _explained(exc: Exception) -> UserError | None:
    """A database or file failure the user can act on (busy, disk full, read-only)."""
    import sqlite3

    import peewee

    from imp_desktop.data.cipher import Error as CipherError

    if not isinstance(exc, (peewee.DatabaseError, sqlite3.Error, CipherError, OSError)):
        return None
    from imp_desktop.data.db import explain_failure

    return explain_failure(exc)


if __name__ == "__main__":
    raise SystemExit(main())
