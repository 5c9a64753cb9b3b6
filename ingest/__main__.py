"""Command line: build a council's index from its sources file.

    python -m ingest build --sources knowledge_base/sources.yml --out var/index/sample_council

Prints a progress bar while loading and embedding, then a summary (documents, chunks, failures
by name, seconds). Exits 0 when a new version was published (even if some sources failed:
they are listed), 1 when nothing could be built (the live index, if any, is untouched), and
2 when the sources file itself is invalid.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ingest.build import build_index
from ingest.chunk import ChunkingConfig
from ingest.fetch import Fetcher
from ingest.sources import SourcesConfigError, iter_documents, load_sources
from knowledge_base.embedding import MODEL_ENV, Embedder


def _build(args: argparse.Namespace) -> int:
    try:
        config = load_sources(args.sources)
    except SourcesConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        embedder = Embedder(args.model)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cache_dir = args.cache or (args.out / "http-cache")
    with Fetcher(cache_dir=cache_dir) as fetcher:
        summary = build_index(
            iter_documents(config, root=args.root, fetcher=fetcher),
            args.out,
            council_names={config.council.id: config.council.name},
            embedder=embedder,
            chunking=ChunkingConfig(),
            progress=not args.quiet,
        )
    print(json.dumps(summary.to_json(), indent=2) if args.json else summary.render())
    return 0 if summary.published else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build (or incrementally rebuild) an index")
    build.add_argument("--sources", type=Path, required=True, help="the council's sources YAML")
    build.add_argument("--out", type=Path, required=True, help="index folder (versions are kept inside)")
    build.add_argument("--root", type=Path, default=Path.cwd(), help="folder that local paths are relative to")
    build.add_argument("--cache", type=Path, help="HTTP cache folder (default: <out>/http-cache)")
    build.add_argument("--model", default=os.environ.get(MODEL_ENV), help="embedding model folder")
    build.add_argument("--quiet", action="store_true", help="no progress bars")
    build.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    return _build(args)


if __name__ == "__main__":
    sys.exit(main())
