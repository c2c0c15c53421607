#!/usr/bin/env python3
"""Turns `perf script` output (stdin) into a flame graph SVG (stdout).

Each sample's stack becomes root (the thread's name) -> ... -> leaf; widths
are sample counts. To keep the SVG small, stacks are cut below --max-depth
frames and at the first frame holding less than --min-percent of all
samples. No JavaScript: hover a frame for its name and share (<title>).
Usage: perf script | bench/flamegraph.py [--title T] > out.svg
"""
import argparse
import hashlib
import html
import re
import sys
from collections import defaultdict

ROW = 16
WIDTH = 1200
PAD = 10


def frame_name(line):
    # "  7f12ab func+0x1c (/usr/lib/libx.so)" -> "func"; unknown -> "[libx.so]"
    parts = line.strip().split(" ", 1)
    rest = parts[1] if len(parts) > 1 else ""
    dso = ""
    m = re.search(r" \(([^()]*)\)$", rest)
    if m:
        dso = m.group(1).rsplit("/", 1)[-1]
        rest = rest[: m.start()]
    rest = re.sub(r"\+0x[0-9a-f]+$", "", rest)
    if not rest or rest == "[unknown]":
        return dso if dso.startswith("[") else "[" + (dso or "unknown") + "]"
    # Parameter lists say little in a flame graph and make names huge.
    rest = rest.replace("(anonymous namespace)", "{anon}")
    cut = rest.find("(")
    if cut > 0:
        rest = rest[:cut]
    return rest[:140]


def read_stacks(lines):
    """Yields (thread name, frames leaf first) per sample."""
    head, frames = None, []
    for line in lines:
        if not line.strip():
            if head is not None:
                yield head, frames
            head, frames = None, []
        elif line[0] in " \t":
            frames.append(frame_name(line))
        elif head is None:
            head = line.split(" ", 1)[0]
    if head is not None:
        yield head, frames


def fold(samples, max_depth):
    counts = defaultdict(int)
    for thread, frames in samples:
        stack = (thread,) + tuple(reversed(frames))
        counts[stack[:max_depth]] += 1
    return counts


def trim(counts, min_share):
    """Cuts every stack at its first prefix below min_share of the samples."""
    total = sum(counts.values())
    prefix = defaultdict(int)
    for stack, n in counts.items():
        for i in range(1, len(stack) + 1):
            prefix[stack[:i]] += n
    out = defaultdict(int)
    for stack, n in counts.items():
        keep = 0
        while keep < len(stack) and prefix[stack[: keep + 1]] >= total * min_share:
            keep += 1
        if keep:
            out[stack[:keep]] += n
    return out, total


class Node:
    def __init__(self, name):
        self.name, self.count, self.children = name, 0, {}


def tree_of(counts):
    root = Node("all")
    for stack, n in counts.items():
        node = root
        node.count += n
        for name in stack:
            node = node.children.setdefault(name, Node(name))
            node.count += n
    return root


def color(name):
    h = hashlib.md5(name.encode()).digest()
    return "rgb(%d,%d,%d)" % (205 + h[0] % 50, 80 + h[1] % 130, h[2] % 55)


def svg(root, total, title):
    def depth(n):
        return 1 + max((depth(c) for c in n.children.values()), default=0)

    rows = depth(root)
    height = (rows + 3) * ROW
    scale = (WIDTH - 2 * PAD) / max(root.count, 1)
    out = [
        '<?xml version="1.0" standalone="no"?>',
        '<svg version="1.1" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
        'viewBox="0 0 %d %d" font-family="Verdana" font-size="11">' % (WIDTH, height, WIDTH, height),
        '<rect width="100%" height="100%" fill="#f8f8f0"/>',
        '<text x="%d" y="%d" text-anchor="middle" font-size="14">%s (%d samples)</text>'
        % (WIDTH // 2, ROW, html.escape(title), total),
    ]

    def draw(node, x, level):
        w = node.count * scale
        y = height - (level + 1) * ROW
        label = "%s (%d samples, %.1f%%)" % (node.name, node.count, 100.0 * node.count / max(total, 1))
        out.append('<g><title>%s</title><rect x="%.1f" y="%d" width="%.1f" height="%d" '
                   'fill="%s" rx="2"/>' % (html.escape(label), x, y, w, ROW - 1, color(node.name)))
        chars = int(w / 7)
        if chars >= 3:
            text = node.name if len(node.name) <= chars else node.name[: chars - 2] + ".."
            out.append('<text x="%.1f" y="%d">%s</text>' % (x + 3, y + ROW - 4, html.escape(text)))
        out.append("</g>")
        for child in sorted(node.children.values(), key=lambda c: c.name):
            draw(child, x, level + 1)
            x += child.count * scale

    draw(root, PAD, 0)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--title", default="CPU flame graph")
    ap.add_argument("--max-depth", type=int, default=40)
    ap.add_argument("--min-percent", type=float, default=0.5)
    args = ap.parse_args()
    counts = fold(read_stacks(sys.stdin), args.max_depth)
    trimmed, total = trim(counts, args.min_percent / 100.0)
    sys.stdout.write(svg(tree_of(trimmed), total, args.title))


if __name__ == "__main__":
    main()
