"""The `indexer` command line: validate, import, build, upsert, delete, eval."""

import argparse
import sys
from pathlib import Path

from indexer.corpus import load_corpus, summary
from indexer.importer import import_file
from indexer.problems import CorpusError
from indexer.settings import Settings


def _report(err: CorpusError, path: Path) -> int:
    for problem in err.problems:
        print(problem.render(str(path)), file=sys.stderr)
    print(f"{path}: {len(err.problems)} problem(s)", file=sys.stderr)
    return 1


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    practices = load_corpus(args.file)
    print(f"{args.file}: {summary(practices)}")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    into = args.into or settings.data
    total, updated, added = import_file(args.file, into)
    print(f"{into}: {total} practices ({updated} updated, {added} added)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="indexer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a corpus file and list every problem with its line")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_validate, source_arg="file")

    p = sub.add_parser("import", help="import JSONL, JSON array or CSV into the corpus (all or nothing)")
    p.add_argument("file", type=Path)
    p.add_argument("--into", type=Path, default=None, help="corpus file (default: PRACTICE_SEARCH_DATA)")
    p.set_defaults(func=cmd_import, source_arg="file")

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    try:
        return args.func(args, settings)
    except CorpusError as err:
        return _report(err, getattr(args, getattr(args, "source_arg", ""), None) or settings.data)
    except FileNotFoundError as err:
        print(f"indexer: no such file: {err.filename}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as err:
        print(f"indexer: file is not UTF-8 text: {err}", file=sys.stderr)
        return 2
