#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""List file-level dependency cycles in C sources; exit 1 if there is one.

    scripts/layer-cycles.py [-v] DIR_OR_FILE...
    scripts/layer-cycles.py --self-test

A .c file depends on another when it uses a non-static function or
variable the other defines. A header's inline functions and macros are
looked through: a file that uses one depends on whatever its body uses.
Headers also depend on the headers they include. Every strongly
connected group of more than one file is a cycle; each is printed with
the symbols that make its edges. -v prints the whole graph.

The parse is lexical (comments, strings and preprocessor lines set
aside, braces counted), which is enough for kernel- and OpenSBI-style C.
--self-test checks the parser on small sources with and without cycles.
"""

import os
import re
import sys

TOKEN = re.compile(r'[A-Za-z_]\w*|\S')
KEYWORDS = {'static', 'extern', 'inline', 'typedef', 'struct', 'union',
            'enum', 'sizeof', 'return', 'if', 'while', 'for', 'switch'}


def strip(text):
    """Remove comments, string and char literals; keep line structure."""
    out = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group().count('\n'),
                 text, flags=re.S)
    out = re.sub(r'//[^\n]*', '', out)
    out = re.sub(r'"(\\.|[^"\\\n])*"', '""', out)
    return re.sub(r"'(\\.|[^'\\\n])*'", "''", out)


class Source:
    def __init__(self, path):
        self.path = path
        self.header = path.endswith('.h')
        self.includes = []       # names as written in #include
        self.defines = set()     # non-static functions and variables
        self.looked = {}         # header inline/macro -> tokens of its body
        self.uses = set()        # tokens a .c file uses
        self.parse(strip(open(path, errors='replace').read()))

    def parse(self, text):
        code = []
        lines = text.split('\n')
        i = 0
        while i < len(lines):
            line = lines[i]
            if line.lstrip().startswith('#'):
                while line.endswith('\\') and i + 1 < len(lines):
                    i += 1
                    line = line[:-1] + ' ' + lines[i]
                self.directive(line.strip()[1:].strip())
            else:
                code.append(line)
            i += 1
        self.statements(TOKEN.findall('\n'.join(code)))

    def directive(self, d):
        m = re.match(r'include\s*[<"]([^>"]+)[>"]', d)
        if m:
            self.includes.append(m.group(1))
            return
        m = re.match(r'define\s+(\w+)(\([^)]*\))?(.*)', d)
        if m and self.header:
            self.looked[m.group(1)] = set(TOKEN.findall(m.group(3)))

    def statements(self, toks):
        """Walk top-level statements: definitions, and what bodies use."""
        i, head, body = 0, [], []
        while i < len(toks):
            t = toks[i]
            if t == '{':
                end = self.match(toks, i)
                body += toks[i:end + 1]
                i = end + 1
                # a function body ends its statement; an initializer or
                # a struct body is followed by more, up to the ';'
                if self.function_name(head) and '=' not in head:
                    self.top_level(head, body)
                    head, body = [], []
                continue
            if t == ';':
                self.top_level(head, body)
                head, body = [], []
            else:
                head.append(t)
            i += 1

    @staticmethod
    def match(toks, i):
        depth = 0
        for j in range(i, len(toks)):
            depth += {'{': 1, '}': -1}.get(toks[j], 0)
            if depth == 0:
                return j
        return len(toks) - 1

    @staticmethod
    def function_name(head):
        """The name of the function a declaration head defines, or None."""
        if '=' in head or not head or head[-1] == '=':
            return None
        for k, t in enumerate(head):
            if t == '(' and k > 0 and re.match(r'\w', head[k - 1]) and \
                    head[k - 1] not in KEYWORDS and \
                    not head[k - 1].startswith('__attribute'):
                return head[k - 1]
        return None

    def top_level(self, head, body):
        if not head:
            return
        words = [t for t in head if re.match(r'\w', t)]
        static = 'static' in words
        if 'typedef' in words or 'extern' in words:
            return
        name = self.function_name(head)
        if body and name:
            used = set(TOKEN.findall(' '.join(body))) | set(head)
            if self.header:
                self.looked[name] = used
            else:
                self.uses |= used
                if not static:
                    self.defines.add(name)
            return
        if self.header or name and not body and '=' not in head and \
                head.index(name) > 0:
            return                      # a prototype declares, uses nothing
        self.uses |= set(head) | set(body)
        if static:
            return
        if head[0].startswith('DEFINE_') and '(' in head:
            # DEFINE_PER_CPU(type, name) and friends: the last word
            args = [t for t in head[2:] if re.match(r'\w', t)]
            if args:
                self.defines.add(args[-1])
            return
        decl = head[:head.index('=')] if '=' in head else head
        names, depth = [], 0
        for t in decl:
            depth += {'[': 1, '(': 1, ']': -1, ')': -1}.get(t, 0)
            if depth == 0 and re.match(r'[A-Za-z_]\w*$', t) and \
                    not t.startswith('__'):
                names.append(t)
        if len(names) > 1 and names[0] not in ('struct', 'union', 'enum') \
                or len(names) > 2:
            self.defines.add(names[-1])


def sources(args):
    for a in args:
        if os.path.isdir(a):
            for root, _, files in os.walk(a):
                for f in sorted(files):
                    if f.endswith(('.c', '.h')):
                        yield os.path.join(root, f)
        else:
            yield a


def resolve(include, src, by_suffix):
    """The project file an #include names, if it is one of ours."""
    local = os.path.normpath(os.path.join(os.path.dirname(src.path), include))
    if local in by_suffix['']:
        return local
    return by_suffix.get(include)


def graph(files):
    by_suffix = {'': set(f.path for f in files)}
    for f in files:
        parts = f.path.split(os.sep)
        for k in range(len(parts)):
            by_suffix.setdefault('/'.join(parts[k:]), f.path)
    definer = {}
    for f in files:
        for s in f.defines:
            definer.setdefault(s, f.path)
    looked = {}
    for f in files:
        looked.update(f.looked)
    edges = {f.path: {} for f in files}

    def expand(tokens):
        seen, todo = set(), list(tokens)
        while todo:
            t = todo.pop()
            if t in seen:
                continue
            seen.add(t)
            if t in looked and t not in definer:
                todo.extend(looked[t])
        return seen

    for f in files:
        for inc in f.includes:
            target = resolve(inc, f, by_suffix)
            if target and f.header and target != f.path:
                edges[f.path].setdefault(target, set()).add('#include')
        if f.header:
            continue
        for s in expand(f.uses):
            target = definer.get(s)
            if target and target != f.path:
                edges[f.path].setdefault(target, set()).add(s)
    return edges


def cycles(edges):
    """Tarjan's strongly connected components of more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


SELF_TEST = {
    # a direct call cycle between two files
    'direct': ({'a.c': 'int a_fn(void) { return b_fn(); }',
                'b.c': 'int b_fn(void) { return a_fn(); }'}, 1),
    # one way only, with a static helper of the same name elsewhere
    'one-way': ({'a.c': 'static int b_fn(void) { return 0; }\n'
                        'int a_fn(void) { return b_fn(); }',
                 'c.c': 'int c_fn(void) { return a_fn(); }'}, 0),
    # through a header's inline, and a variable defined with DEFINE_*()
    'inline': ({'h.h': 'static inline int h_fn(void) { return d_fn(); }',
                'c.c': '#include "h.h"\nDEFINE_PER_CPU(int, c_var);\n'
                       'int c_fn(void) { return h_fn(); }',
                'd.c': 'int d_fn(void) { return c_var; }'}, 1),
    # a prototype and a comment naming the other file's symbol are no use
    'declared': ({'e.c': 'int f_fn(void);\n/* f_fn() */\n'
                         'int e_fn(void) { return 1; }',
                  'f.c': 'int f_fn(void) { return e_fn(); }'}, 0),
}


def self_test():
    import tempfile
    bad = 0
    for name, (files, want) in SELF_TEST.items():
        with tempfile.TemporaryDirectory() as d:
            for f, text in files.items():
                with open(os.path.join(d, f), 'w') as out:
                    out.write(text + '\n')
            got = len(cycles(graph([Source(p) for p in sources([d])])))
        print('%s %s: %d cycles, want %d' %
              ('ok  ' if got == want else 'FAIL', name, got, want))
        bad += got != want
    return 1 if bad else 0


def main(argv):
    if argv == ['--self-test']:
        return self_test()
    verbose = '-v' in argv
    args = [a for a in argv if a != '-v']
    if not args:
        print(__doc__.strip().split('\n')[2], file=sys.stderr)
        return 2
    files = [Source(p) for p in sources(args)]
    edges = graph(files)
    if verbose:
        for v in sorted(edges):
            for w in sorted(edges[v]):
                print('%s -> %s (%s)' % (v, w, ', '.join(sorted(edges[v][w]))))
    found = cycles(edges)
    for group in found:
        print('cycle: ' + ' <-> '.join(group))
        for v in group:
            for w in sorted(edges[v]):
                if w in group:
                    print('  %s -> %s: %s' % (v, w,
                                              ', '.join(sorted(edges[v][w]))))
    print('layer-cycles: %d files, %d cycles' % (len(files), len(found)))
    return 1 if found else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
