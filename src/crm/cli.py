"""The `crm` command: a friendly face over Django's manage.py verbs."""

import argparse
import os
import sys

USAGE = """crm <command> [options]

commands:
  run [--host H] [--port P] [--workers N]   serve the app with gunicorn (default 127.0.0.1:8000)
  migrate                                  create or upgrade the database
  demo [--password P] [--customers N]      load the demo organisation, users and N customers
                                           (default 200; idempotent: tops up to N)
  createadmin [--username U] [--password P] create a system administrator
  manage <verb> [args…]                    any Django manage.py verb, e.g. `crm manage shell`
"""


def _django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["crm", *argv])


def _run(args: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="crm run", description="Serve the CRM with gunicorn.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
    parser.add_argument("--workers", default=os.environ.get("CRM_WORKERS", "3"))
    opts = parser.parse_args(args)
    _django(["housekeep"])  # jobs of a previous process died with it
    print(f"CRM: http://{opts.host}:{opts.port}/", flush=True)
    os.execvp(  # noqa: S606 - replaces this process with the server
        sys.executable,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "crm.wsgi:application",
            "--bind",
            f"{opts.host}:{opts.port}",
            "--workers",
            str(opts.workers),
            "--access-logfile",
            "-",
        ],
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return
    command, rest = argv[0], argv[1:]
    if command == "run":
        _run(rest)
    elif command == "manage":
        _django(rest)
    elif command in {"migrate", "demo", "createadmin"}:
        _django([command, *rest])
    else:
        print(f"crm: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
