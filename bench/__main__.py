"""``python -m bench`` (make bench) and ``python -m bench --http`` (make bench-http)."""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description="ectalign's benchmark (bench/README.md).")
    parser.add_argument("--http", action="store_true", help="load-test the LARGE tenant through gunicorn instead")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached database even if it is current")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the cached database and stop")
    args = parser.parse_args(argv)

    from bench import HarnessError

    try:
        if args.build_only:
            from bench import configure

            configure()
            from bench.generate import ensure_database
            from bench.run import log

            ensure_database(rebuild=args.rebuild, log=log)
            return 0
        if args.http:
            from bench import http

            return http.main(rebuild=args.rebuild)
        from bench import run

        return run.main(rebuild=args.rebuild)
    except HarnessError as error:
        print(f"bench: cannot measure: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
