"""The house keeps its floors: every module imports only from rooms on lower floors
(imports inside functions count), no two modules import each other in a circle, and
rooms stay small (a module at most 300 lines, a view at most 25).

A room is one module or one package directly under portal/. A new concern goes on
the floor of the concerns it stands beside; `rights` composes them from above.
See docs/architecture.md.
"""
import ast

from portal.config import PROJECT_ROOT

PORTAL = PROJECT_ROOT / "portal"

FLOORS = [
    # The ground: settings, time, secrets, the words every room may use.
    ["files", "clock", "crypto", "translate", "personal_data"],
    ["config"],
    ["db", "htmx", "logs", "limits", "form_html"],
    ["web"],
    # The register definition, the visitor's language, the people in the register.
    ["register"],
    ["language"],
    ["people"],
    ["mail", "audit"],
    ["accounts"],
    ["consents"],
    ["staff"],
    # The concerns, each owning its data; they stand on the ledger and on each other only downwards.
    ["relationship", "appointments", "guardians"],
    ["newsletter", "signup", "orders"],
    ["processors", "imports", "breaches"],
    # What composes the concerns: the rights, retention, the staff pages, the notice.
    ["rights"],
    ["retention", "moderation"],
    ["admin", "notice", "pages"],
    # The wiring: the list of every model, the command line, the app factory.
    ["models"],
    ["cli", "migrate"],
    ["__init__"],
]
FLOOR = {room: number for number, rooms in enumerate(FLOORS) for room in rooms}


def module_name(path):
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules():
    """Return {module name: path} of every module of the package."""
    return {module_name(path): path for path in PORTAL.rglob("*.py")}


def imports_of(name, path, known):
    """Yield (line, imported module) for every import in the module, in functions too."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("portal"):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("portal"):
                continue
            for alias in node.names:  # `from . import views` imports the module views
                sub = f"{target}.{alias.name}"
                yield node.lineno, sub if sub in known else target


def room(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def edges():
    known = modules()
    for name, path in known.items():
        for line, target in imports_of(name, path, known):
            if target != name:
                yield name, path, line, target


def test_every_room_has_a_floor():
    rooms = {room(name) for name in modules()}
    assert rooms <= set(FLOOR), f"put these on a floor in tests/test_layers.py: {sorted(rooms - set(FLOOR))}"


def test_no_module_imports_from_a_higher_floor_or_its_own():
    reach_ups = []
    for name, path, line, target in edges():
        here, there = room(name), room(target)
        if here != there and FLOOR.get(there, -1) >= FLOOR.get(here, -1):
            reach_ups.append(f"{path.relative_to(PROJECT_ROOT)}:{line} imports {target} "
                             f"(floor {FLOOR.get(there)} from floor {FLOOR.get(here)})")
    assert not reach_ups, "imports that run back up or sideways:\n" + "\n".join(reach_ups)


def test_no_circle_of_imports():
    graph = {}
    for name, _path, _line, target in edges():
        graph.setdefault(name, set()).add(target)
    done, stack, circles = set(), [], []

    def visit(node):
        if node in stack:
            circles.append(stack[stack.index(node):] + [node])
            return
        if node in done:
            return
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        stack.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)
    assert not circles, "circles of imports:\n" + "\n".join(" -> ".join(c) for c in circles)


def test_the_check_catches_a_reach_up(tmp_path):
    """The test itself works: a module on a low floor that imports rights is caught."""
    known = {"portal.clock": tmp_path / "clock.py", "portal.rights.service": tmp_path / "service.py"}
    probe = tmp_path / "clock.py"
    probe.write_text("def now():\n    from .rights.service import erase\n")
    (line, target), = imports_of("portal.clock", probe, known)
    assert target == "portal.rights.service" and FLOOR[room(target)] > FLOOR[room("portal.clock")]


MODULE_LINES, VIEW_LINES = 300, 25
ROUTES = ("route", "get", "post")


def test_no_module_over_300_lines_and_no_view_over_25():
    too_long = []
    for path in modules().values():
        text = path.read_text()
        if len(text.splitlines()) > MODULE_LINES:
            too_long.append(f"{path.relative_to(PROJECT_ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            routed = isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute) and d.func.attr in ROUTES
                for d in node.decorator_list)
            if routed and node.end_lineno - node.lineno + 1 > VIEW_LINES:
                too_long.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} view {node.name}: "
                                f"{node.end_lineno - node.lineno + 1} lines")
    assert not too_long, "split along a domain seam:\n" + "\n".join(too_long)

