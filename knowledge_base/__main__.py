"""Command line search over a built index.

    python -m knowledge_base search "what is ordinarily available provision"
    python -m knowledge_base search --interactive
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from dataclasses import asdict
from pathlib import Path

from knowledge_base.index_io import IndexUnavailable
from knowledge_base.retriever import Retriever
from knowledge_base.types import SearchFilters, SearchResult

INDEX_ENV = "LOCAL_OFFER_INDEX"
DEFAULT_INDEX = Path("var/index/sample_council")


def render(result: SearchResult) -> str:
    verdict = "answered by the documents" if result.answerable else "NOT answered by the documents"
    lines = [f'"{result.query}": {verdict} (answerability {result.answerability:.2f})', ""]
    for rank, passage in enumerate(result.passages, start=1):
        c = passage.citation
        where = " > ".join(c.heading_path) or c.title
        lines.append(f"{rank}. {c.title} ({c.council_name}, updated {c.updated or 'date not given'})")
        lines.append(f"   {where}" + (f", {c.location}" if c.location else ""))
        lines.append(f"   {c.url or c.source_id}")
        lines.append(textwrap.indent(textwrap.fill(passage.text, 96), "   | "))
        lines.append("")
    return "\n".join(lines)


def _result_json(result: SearchResult) -> str:
    return json.dumps(asdict(result), indent=2, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge_base")
    commands = parser.add_subparsers(dest="command", required=True)
    search = commands.add_parser("search", help="ranked passages with their sources")
    search.add_argument("query", nargs="?", help="the question (omit with --interactive)")
    search.add_argument("--index", type=Path, default=Path(os.environ.get(INDEX_ENV, DEFAULT_INDEX)))
    search.add_argument("-k", type=int, default=5, help="passages to show")
    search.add_argument("--council", help="only this council's documents (its id)")
    search.add_argument("--type", action="append", default=[], help="only this document type (repeatable)")
    search.add_argument("--age", type=int, help="the child's age: drops services for other ages")
    search.add_argument("--json", action="store_true")
    search.add_argument("--interactive", action="store_true", help="ask questions until an empty line")
    args = parser.parse_args(argv)
    if not args.query and not args.interactive:
        parser.error("give a query or --interactive")

    try:
        retriever = Retriever.open(args.index)
    except IndexUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    filters = SearchFilters(council=args.council, doc_types=tuple(args.type), age=args.age)

    def answer(query: str) -> None:
        result = retriever.search(query, k=args.k, filters=filters)
        print(_result_json(result) if args.json else render(result))

    if args.query:
        answer(args.query)
    if args.interactive:
        print(f"Searching {retriever.index.manifest['counts']['chunks']} passages. Empty line to quit.")
        while True:
            try:
                query = input("question> ").strip()
            except EOFError:
                break
            if not query:
                break
            answer(query)
    return 0


if __name__ == "__main__":
    sys.exit(main())
