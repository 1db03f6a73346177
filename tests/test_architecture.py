"""The house rules of the package layout: layers from the core up, nothing imports upward, no import
circles, no private name crosses a module boundary."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "opdims"

#: floor of each module (dotted name below opdims, prefix match, longest first): a module may import its own
#: floor and the floors below, never above. The folders are the floors: core (0-2), dims (3), io and data (4),
#: plotting and training (5), analysis (6), the two faces matlab (7) and cli (8), the parity suite (9).
LAYERS = [
    ("version", 0), ("aliases", 0),
    ("core.errors", 0), ("core.nonlinearity", 0), ("core.validation", 0), ("core.backend", 0), ("core.random", 0),
    ("core.network", 1),
    ("core", 2),
    ("dims", 3),
    ("io", 4), ("data", 4),
    ("plotting", 5), ("training", 5),
    ("analysis", 6),
    ("matlab", 7),
    ("cli", 8), ("__main__", 8),
    ("parity", 9),
]

#: the folder of each floor: every module of a folder sits on that folder's floors
FOLDERS = {"core": (0, 1, 2), "dims": (3,), "io": (4,), "data": (4,), "plotting": (5,), "training": (5,),
           "analysis": (6,), "matlab": (7,), "cli": (8,), "parity": (9,)}


def floor(module: str) -> int:
    for prefix, level in sorted(LAYERS, key=lambda pl: -len(pl[0])):
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
            folder = PACKAGE.joinpath(*target.split(".")) if target else PACKAGE
            submodules = [n for n in names if (folder / n).is_dir() or (folder / f"{n}.py").is_file()]
            for name in submodules:  # "from .. import io" imports a module
                yield (f"{target}.{name}" if target else name), [], id(node) in top_level
            others = [n for n in names if n not in submodules]
            if others:  # names from the facade are reported as target "" (no module may use them)
                yield target, others, id(node) in top_level
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("opdims."):
                    yield alias.name[len("opdims."):], [], id(node) in top_level


ALL = list(modules())


@pytest.mark.parametrize("module, path, is_package", ALL, ids=[m for m, _, _ in ALL])
def test_nothing_imports_upward_and_no_private_name_crosses(module, path, is_package):
    mine = floor(module)
    for target, names, _ in imports(module, path, is_package):
        assert target, f"opdims.{module} imports {names} from the facade opdims/__init__.py; import the module"
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


def test_folders_are_floors():
    """Each module lives in the folder of its floor; the top level holds only the facade and its helpers."""
    top = {"version", "aliases", "__main__"}
    for module, path, _ in ALL:
        head = module.split(".")[0]
        if "." not in module and head in top:
            continue
        assert head in FOLDERS, f"opdims.{module} sits at the top level; put it in the folder of its floor"
        assert floor(module) in FOLDERS[head], f"opdims.{module} is on floor {floor(module)}, not of {head}/"


def test_old_import_paths_are_the_new_modules():
    import importlib

    from opdims.aliases import MERGED_ALIASES, MODULE_ALIASES

    for old, new in MODULE_ALIASES.items():
        assert importlib.import_module(old) is importlib.import_module(new), old
    pipelines = importlib.import_module("opdims.pipelines")
    for name in ("analyse_network", "s2_local_operative_dimensions", "prepare_run"):
        assert getattr(pipelines, name) is not None
    assert set(MERGED_ALIASES) == {"opdims.pipelines"}
    import opdims
    assert opdims.RankSweep is importlib.import_module("opdims.dims.sweeps").RankSweep
    assert len(opdims.__all__) <= 20
