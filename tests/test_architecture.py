"""The house rules of the package layout: layers from the core up, nothing imports upward, no import
circles, no private name crosses a module boundary."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "opdims"

#: floor of each module (dotted name below opdims, prefix match for packages): a module may import its
#: own floor and the floors below, never above
LAYERS = [
    ("errors", 0), ("nonlinearity", 0), ("validation", 0), ("backend", 0), ("random", 0),
    ("network", 1),
    ("simulate", 2), ("reduce", 2), ("metrics", 2), ("tasks", 2), ("sampling", 2),
    ("operative", 3), ("exact_rows", 3), ("local_dims", 3), ("global_dims", 3), ("sweeps", 3), ("kernels", 3),
    ("network_analysis", 3), ("reference", 3), ("defaults", 3), ("executor", 3),
    ("io", 4),
    ("pipelines", 5), ("training", 5), ("plotting", 5), ("reference_data", 5),
    ("matlab", 6), ("batch", 6), ("reproduce", 6),
    ("cli", 7), ("__main__", 7),
    ("parity", 8),
]


def floor(module: str) -> int:
    for prefix, level in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return level
    raise AssertionError(f"opdims.{module}: not in the layer map of tests/test_architecture.py; add it")


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
        if parts:
            yield ".".join(parts), path, rel.name == "__init__"


def imports(module: str, path: Path, is_package: bool):
    """``(imported module, imported names, at module level)`` of every import of opdims code."""
    tree = ast.parse(path.read_text())
    top_level = set(map(id, tree.body))
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("opdims"):
                target = node.module[len("opdims."):] if node.module != "opdims" else ""
            else:
                continue
            names = [a.name for a in node.names]
            if not target:  # "from .. import io" imports modules; other names come from the facade
                for name in names:
                    if (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file():
                        yield name, [], id(node) in top_level
            else:
                yield target, names, id(node) in top_level
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("opdims."):
                    yield alias.name[len("opdims."):], [], id(node) in top_level


ALL = list(modules())


@pytest.mark.parametrize("module, path, is_package", ALL, ids=[m for m, _, _ in ALL])
def test_nothing_imports_upward_and_no_private_name_crosses(module, path, is_package):
    mine = floor(module)
    for target, names, _ in imports(module, path, is_package):
        if target.split(".")[0] in ("", "__init__"):
            continue
        assert floor(target) <= mine, f"opdims.{module} (floor {mine}) imports opdims.{target} (floor {floor(target)})"
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"opdims.{module} imports private name(s) {private} from opdims.{target}"
        module_parts = target.split(".")
        assert not any(p.startswith("_") and not p.startswith("__") for p in module_parts), \
            f"opdims.{module} imports the private module opdims.{target}"


def test_no_import_circles():
    graph = {}
    for module, path, is_package in ALL:
        graph[module] = {t for t, _, top in imports(module, path, is_package) if top and t}
    known = set(graph)

    def resolve(target):
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target

    graph = {m: {resolve(t) for t in ts} - {m, ""} for m, ts in graph.items()}
    # packages import their own modules (facades): only module-to-module edges outside that count
    for m in list(graph):
        graph[m] = {t for t in graph[m] if not t.startswith(m + ".")}
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import circle: " + " -> ".join(f"opdims.{c}" for c in cycle))
            if nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
