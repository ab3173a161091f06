#!/usr/bin/env python3
"""What a WebAssembly file holds: section sizes, and code size per crate and per function.

Reads the `name` custom section (a build with names, i.e. before wasm-opt strips it) to know
which function each body belongs to, and groups bodies by the crate their (mangled or
demangled) name starts with. Usage: wasm-composition.py file.wasm [top-N]
"""
import collections
import re
import sys


def leb(data, pos):
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result, pos
        shift += 7


def sections(data):
    pos = 8
    while pos < len(data):
        kind = data[pos]
        size, body = leb(data, pos + 1)
        yield kind, data[body : body + size]
        pos = body + size


def crate_of(name):
    m = re.match(r"_ZN(\d+)", name)
    if m:
        n = int(m.group(1))
        start = m.end()
        ident = name[start : start + n]
        if ident.startswith("_$LT$"):
            inner = re.search(r"_\$LT\$([A-Za-z0-9_]+)", ident)
            return (inner.group(1) if inner else ident) + " (impl)"
        return ident
    if "::" in name:
        return name.lstrip("<").split("::")[0]
    return name.split("$")[0][:40] or "?"


def main():
    data = open(sys.argv[1], "rb").read()
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    names, imported, bodies, section_sizes = {}, 0, [], collections.Counter()
    kinds = {0: "custom", 1: "type", 2: "import", 3: "function", 5: "memory", 6: "global",
             7: "export", 9: "element", 10: "code", 11: "data", 12: "datacount"}
    for kind, body in sections(data):
        label = kinds.get(kind, str(kind))
        if kind == 0:
            nlen, p = leb(body, 0)
            label = "custom: " + body[p : p + nlen].decode(errors="replace")
            if body[p : p + nlen] == b"name":
                q = p + nlen
                while q < len(body):
                    sub, q = body[q], q + 1
                    size, q = leb(body, q)
                    if sub == 1:
                        count, r = leb(body, q)
                        for _ in range(count):
                            idx, r = leb(body, r)
                            ln, r = leb(body, r)
                            names[idx] = body[r : r + ln].decode(errors="replace")
                            r += ln
                    q += size
        elif kind == 2:
            count, p = leb(body, 0)
            for _ in range(count):
                for _ in range(2):
                    ln, p = leb(body, p)
                    p += ln
                k = body[p]
                p += 1
                if k == 0:
                    _, p = leb(body, p)
                    imported += 1
                elif k == 1:
                    p += 1
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif k == 2:
                    flags, p = leb(body, p)
                    _, p = leb(body, p)
                    if flags & 1:
                        _, p = leb(body, p)
                elif k == 3:
                    p += 2
        elif kind == 10:
            count, p = leb(body, 0)
            for i in range(count):
                size, p2 = leb(body, p)
                bodies.append((imported + i, size + (p2 - p)))
                p = p2 + size
        section_sizes[label] += len(body)
    total = len(data)
    print(f"{sys.argv[1]}: {total:,} bytes")
    print("\nSections:")
    for label, size in section_sizes.most_common():
        print(f"  {size:>12,}  {100 * size / total:5.1f} %  {label}")
    code = sum(s for _, s in bodies)
    by_crate = collections.Counter()
    for idx, size in bodies:
        by_crate[crate_of(names.get(idx, "?"))] += size
    print(f"\nCode by crate (of {code:,} bytes of function bodies):")
    for crate, size in by_crate.most_common(top):
        print(f"  {size:>12,}  {100 * size / code:5.1f} %  {crate}")
    print(f"\nLargest functions:")
    for idx, size in sorted(bodies, key=lambda b: -b[1])[:top]:
        print(f"  {size:>12,}  {names.get(idx, '?')[:110]}")


main()
