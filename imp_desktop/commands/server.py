"""The district office's PostgreSQL server: ``imp-desktop server init URL``."""
from __future__ import annotations


def register(cli) -> None:
    init = cli.kind("server", "init", run_server_init,
                    "create IMP Desktop's tables in an empty PostgreSQL database "
                    "(or bring ours up to date); any other database is refused")
    init.add_argument("url", metavar="URL", help="postgresql://user@host:port/database")


def run_server_init(args) -> int:
    from imp_desktop.services.server import init_message, init_server

    print(init_message(init_server(args.url)))
    return 0
