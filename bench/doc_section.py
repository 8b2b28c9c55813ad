# The command line the report scripts share: read a results file, build a
# section of docs/BENCHMARKS.md from it, and put it between its markers (or
# print it when the document has no such markers).
import argparse
import json
import re
import sys


def write_section(begin, end, build_section):
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--doc", help=f"docs/BENCHMARKS.md; only the section between {begin} and {end} is replaced")
    args = parser.parse_args()
    with open(args.results) as source:
        text_of_section = build_section(json.load(source))
    if args.doc:
        with open(args.doc) as doc:
            text = doc.read()
        if begin in text and end in text:
            text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: text_of_section, text, flags=re.S)
            with open(args.doc, "w") as doc:
                doc.write(text)
            return
        print(f"{args.doc} has no {begin} … {end} section: printed instead", file=sys.stderr)
    print(text_of_section)
