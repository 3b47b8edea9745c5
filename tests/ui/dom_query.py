#!/usr/bin/env python3
"""Queries a DOM dump (chromium --dump-dom) for the dashboard e2e test.

  dom_query.py FILE TAG[.CLASS...] [ATTR=VALUE...]

prints the text content of every element with that tag (or any tag for '*'), all those
classes (a class written !name: without it) and those attribute values, one element a line
(whitespace runs folded to one space; "-" for an element without text), and exits 0.
Exits 2 on bad usage.
"""
import html.parser
import re
import sys

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Element:
    def __init__(self, tag, attrs):
        self.tag = tag
        self.attrs = dict(attrs)
        self.classes = set((self.attrs.get("class") or "").split())
        self.text = []


class Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.elements = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for element in self.stack:
            element.text.append(data)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as f:
        collector = Collector()
        collector.feed(f.read())
    tag, *classes = sys.argv[2].split(".")
    present = {c for c in classes if not c.startswith("!")}
    absent = {c[1:] for c in classes if c.startswith("!")}
    wanted = dict(arg.split("=", 1) for arg in sys.argv[3:])
    for element in collector.elements:
        if tag != "*" and element.tag != tag:
            continue
        if not present <= element.classes or absent & element.classes:
            continue
        if any(element.attrs.get(k) != v for k, v in wanted.items()):
            continue
        print(re.sub(r"\s+", " ", "".join(element.text)).strip() or "-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
