"""The `indexer` command line: validate, import, build, vocabulary, upsert, delete, eval.

The command line is the composition root: the only module of `indexer` that may import the query
engine and the evaluation (for `eval`); the import-layer contracts in pyproject.toml allow it alone.
"""

import argparse
import json
import sys
from pathlib import Path

from indexer.corpus import load_corpus, summary
from indexer.encoder import ModelLoadError
from indexer.format import IndexLoadError
from indexer.importer import import_file
from indexer.problems import CorpusError
from settings import Settings, SettingsError, load_settings


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


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.build import build_index, is_current
    from indexer.encoders import encoder_ids, load_encoders
    from indexer.format import sha256_file
    from indexer.progress import Progress

    chosen = {"data": args.data, "index": args.out, "model": args.model}
    settings = settings.model_copy(update={k: v for k, v in chosen.items() if v is not None})
    practices = load_corpus(settings.data)  # refuse invalid data before loading the model
    digest = sha256_file(settings.data)
    if args.if_stale and is_current(settings.index, digest, encoder_ids(settings), settings):
        print(f"{settings.index}: up to date with {settings.data}; nothing to do")
        return 0
    report = build_index(
        practices,
        settings,
        load_encoders(settings),
        corpus_sha256=digest,
        use_cache=not args.no_cache,
        progress=Progress(),
    )
    print(report.summary())
    return 0


def cmd_vocabulary(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.encoders import encoder_ids, load_encoders
    from indexer.progress import Progress
    from indexer.vocabulary_build import build_vocabulary, up_to_date

    report = up_to_date(settings, encoder_ids(settings))  # no model loaded for a no-op
    print((report or build_vocabulary(settings, load_encoders(settings), Progress())).summary())
    return 0


def cmd_upsert(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.importer import parse_source
    from indexer.updates import upsert_practices

    practices = parse_source(args.file)
    build_id = upsert_practices(settings, practices)
    print(f"{settings.data}: upserted {len(practices)} practice(s); index build {build_id} is current")
    return 0


def cmd_delete(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.updates import delete_practices

    try:
        build_id = delete_practices(settings, args.ids)
    except KeyError as err:
        print(f"indexer: {settings.data}: {err.args[0]}", file=sys.stderr)
        return 1
    print(f"{settings.data}: deleted {len(args.ids)} practice(s); index build {build_id} is current")
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from evaluation import evaluate, load_off_topic, load_queries, load_related, render_markdown, report_json
    from indexer.encoders import load_encoders
    from indexer.index import Index
    from ranking import RankingConfig

    encoders = load_encoders(settings)
    index = Index.load(args.index or settings.index, {e.name: e.model_id for e in encoders})
    config = RankingConfig.from_settings(settings)
    queries = load_queries(args.queries, args.split, args.translations)
    related = load_related(args.related, args.split) if args.related.exists() else []
    progress = (lambda msg: print(f"eval: {msg}", file=sys.stderr)) if sys.stderr.isatty() else None
    off_topic = load_off_topic(args.unmet, args.split) if args.unmet.exists() else []
    report = evaluate(
        index, encoders, queries, related, config, split=args.split, progress=progress, off_topic=off_topic
    )
    table = render_markdown(report)
    out = args.out or Path("bench/results") / f"eval-{args.split}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(report_json(report), indent=1), encoding="utf-8")
    print(table)
    print(f"wrote {out} and {out.with_suffix('.json')}")
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

    p = sub.add_parser("build", help="validate the corpus, embed it and switch the index to a new build")
    p.add_argument("--data", type=Path, default=None, help="corpus file (default: PRACTICE_SEARCH_DATA)")
    p.add_argument("--out", type=Path, default=None, help="index directory (default: PRACTICE_SEARCH_INDEX)")
    p.add_argument("--model", default=None, help="model name or path (default: PRACTICE_SEARCH_MODEL)")
    p.add_argument("--if-stale", action="store_true", help="do nothing if the index matches corpus and model")
    p.add_argument("--no-cache", action="store_true", help="re-embed every text instead of reusing vectors")
    p.set_defaults(func=cmd_build, source_arg="data")

    p = sub.add_parser(
        "vocabulary",
        help="embed every other language's common words once per model, so foreign queries need fewer encodes",
    )
    p.set_defaults(func=cmd_vocabulary)

    p = sub.add_parser("upsert", help="add or replace practices from JSONL, JSON array or CSV; update the index")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_upsert, source_arg="file")

    p = sub.add_parser("delete", help="remove practices by id from the corpus and the index")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(func=cmd_delete)

    p = sub.add_parser("eval", help="relevance metrics of every mode and ranking variant on data/eval")
    p.add_argument("--index", type=Path, default=None, help="index directory (default: PRACTICE_SEARCH_INDEX)")
    p.add_argument("--queries", type=Path, default=Path("data/eval/queries.jsonl"), help="judged queries (JSONL)")
    p.add_argument(
        "--translations",
        type=Path,
        default=Path("data/eval/translations.jsonl"),
        help="translated queries, judged as their source",
    )
    p.add_argument("--related", type=Path, default=Path("data/eval/related.jsonl"), help="related-practice judgments")
    p.add_argument(
        "--unmet", type=Path, default=Path("data/eval/unmet.jsonl"), help="queries the collection has nothing for"
    )
    p.add_argument("--split", choices=["dev", "test", "all"], default="dev", help="which half (tune on dev only)")
    p.add_argument("--out", type=Path, default=None, help="Markdown table (default: bench/results/eval-SPLIT.md)")
    p.set_defaults(func=cmd_eval, source_arg="queries")

    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as err:
        print(f"indexer: invalid setting: {err}", file=sys.stderr)
        return 2
    try:
        return args.func(args, settings)
    except CorpusError as err:
        return _report(err, getattr(args, getattr(args, "source_arg", ""), None) or settings.data)
    except (IndexLoadError, ModelLoadError, ValueError) as err:
        print(f"indexer: {err}", file=sys.stderr)
        return 1
    except FileNotFoundError as err:
        print(f"indexer: no such file: {err.filename}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as err:
        print(f"indexer: file is not UTF-8 text: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # disk full, read-only directory: nothing was changed (updates roll back)
        print(
            f"indexer: {err.strerror or type(err).__name__}: {err.filename or ''}; nothing was changed", file=sys.stderr
        )
        return 1
