"""A workflow drawn as an SVG diagram, laid out from its data (no library, no script, no network).

States are boxes coloured by their type, in columns by their distance from the first state (breadth
first along the transitions), in the order the administrator gave them within a column. Transitions
are arrows labelled with the action, the roles allowed, whether a comment is required and whether the
transition is no one's task (不计入待办: an arrow of such transitions only is dotted). An arrow to
the next column is straight; one going back (退回) bends below the boxes and one skipping columns (or
looping on its state) bends above, each on its own track so that arrows and labels do not overlap.
Transitions between the same two states share one arrow and stack their labels.

The same function draws the administrator's workflow (from the saved rows, or from the admin form
being edited) and a document's page, where the current state and the states and moves it went
through are highlighted.
"""

from dataclasses import dataclass, field
from html import escape

from apps.lowcode.workflow.model import StateType, split_lines

BOX_HEIGHT = 48
BOX_MIN_WIDTH = 96
ROW_GAP = 34
MIN_COLUMN_GAP = 110
PAD = 14
NAME_FONT = 14
SMALL_FONT = 11
LINE_HEIGHT = 14
TRACK_GAP = 12
ROLE_LINE_CHARS = 10  # roles are wrapped at about this many characters per line

STYLE = {
    StateType.EDITABLE: ("#e7f0fd", "#3b78d8", "可编辑"),
    StateType.SUBMITTED: ("#fff3d4", "#c08400", "审核中"),
    StateType.FINAL: ("#ddf1e3", "#2e8a4b", "已办结"),
}
EDGE_COLOUR = "#7a8591"
TAKEN_COLOUR = "#1f2d3d"
COMMENT_COLOUR = "#c0392b"
NOT_TASK_COLOUR = "#5a6673"


def text_width(text: str, size: int) -> float:
    """Rough rendered width: CJK and full-width characters are one em, the rest about 0.6 em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


@dataclass
class _Edge:
    source: str
    target: str
    transitions: list[dict] = field(default_factory=list)
    kind: str = "straight"  # straight | below | above
    track: int = 0

    def label_lines(self) -> list[tuple[str, str, dict]]:
        """(text, css class, transition) per line: the action, then its roles, then the comment mark."""
        lines = []
        for t in self.transitions:
            lines.append((t["action"], "wf-action", t))
            for line in _role_lines(t["roles"]):
                lines.append((line, "wf-roles", t))
            if t["comment_required"]:
                lines.append(("须填写意见", "wf-comment", t))
            if not t["is_task"]:
                lines.append(("不计入待办", "wf-not-task", t))
        return lines

    def label_size(self) -> tuple[float, float]:
        lines = self.label_lines()
        width = max(
            (text_width(text, NAME_FONT - 1 if cls == "wf-action" else SMALL_FONT) for text, cls, _ in lines),
            default=0,
        )
        return width, len(lines) * LINE_HEIGHT


def _role_lines(roles: list[str]) -> list[str]:
    if not roles:
        return ["（不限角色）"]
    lines, current = [], ""
    for i, role in enumerate(roles):
        piece = role + ("、" if i < len(roles) - 1 else "")
        if current and len(current) + len(piece) > ROLE_LINE_CHARS:
            lines.append(current)
            current = ""
        current += piece
    return [*lines, current]


def _layers(states: list[dict], transitions: list[dict]) -> dict[str, int]:
    """Column of each state: breadth-first distance from the first state. A state that cannot be reached
    from it (being wired, or cut off by an edit) goes one column after the furthest state it is linked
    with, or after every column when it is linked with none, and the states it leads to follow it."""
    names = [s["state"] for s in states]
    nexts = {name: [] for name in names}
    linked = {name: set() for name in names}
    for t in transitions:
        if t["state"] in nexts and t["next_state"] in nexts:
            nexts[t["state"]].append(t["next_state"])
            linked[t["state"]].add(t["next_state"])
            linked[t["next_state"]].add(t["state"])
    layer: dict[str, int] = {}
    for start in names:
        if start in layer:
            continue
        placed = [layer[n] for n in linked[start] if n in layer]
        layer[start] = 0 if not layer else (max(placed) + 1 if placed else max(layer.values()) + 1)
        queue = [start]
        while queue:
            name = queue.pop(0)
            for target in nexts[name]:
                if target not in layer:
                    layer[target] = layer[name] + 1
                    queue.append(target)
    return layer


def _assign_tracks(edges: list[_Edge], column_of) -> None:
    """Curved edges on one side get the lowest track whose column span they do not overlap."""
    spans: list[list[tuple[int, int]]] = []
    for edge in sorted(edges, key=lambda e: abs(column_of(e.source) - column_of(e.target))):
        low, high = sorted((column_of(edge.source), column_of(edge.target)))
        for index, taken in enumerate(spans):
            if all(high <= a or low >= b for a, b in taken):  # arrows meeting at one box do not overlap
                taken.append((low, high))
                edge.track = index
                break
        else:
            spans.append([(low, high)])
            edge.track = len(spans) - 1


def render_svg(
    states: list[dict],
    transitions: list[dict],
    *,
    title: str = "",
    current: str = "",
    visited: set[str] | None = None,
    taken: set[tuple[str, str]] | None = None,
    dom_id: str = "workflow-diagram",
) -> str:
    """The SVG of a workflow given as plain rows.

    states: dicts with state and state_type; transitions: dicts with state, action, next_state,
    allowed (newline-separated text or a list), comment_required and is_task (True when left out). ``current``, ``visited`` (state
    names) and ``taken`` ((from, to) pairs) highlight a document's way through it.
    """
    states = [s for s in states if (s.get("state") or "").strip()]
    if not states:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" id="{dom_id}" class="workflow-diagram-svg" role="img" '
            'width="320" height="40" viewBox="0 0 320 40"><text x="8" y="24" font-size="13" fill="#6c757d">'
            "还没有状态：添加状态后这里显示流程图</text></svg>"
        )
    known = {s["state"] for s in states}
    transitions = [
        {
            "state": t.get("state") or "",
            "action": t.get("action") or "",
            "next_state": t.get("next_state") or "",
            "roles": t["allowed"] if isinstance(t.get("allowed"), list) else split_lines(t.get("allowed") or ""),
            "comment_required": bool(t.get("comment_required")),
            "is_task": bool(t.get("is_task", True)),
        }
        for t in transitions
        if t.get("state") in known and t.get("next_state") in known and (t.get("action") or "").strip()
    ]
    visited = visited or set()
    taken = taken or set()
    layer = _layers(states, transitions)

    # Boxes: size from their text, rows within each column in the administrator's order, except that a
    # state an arrow bends below from or to goes last (its arrow then crosses no box under it), and one an
    # arrow bends above from or to goes first.
    def side(name):
        steps = [
            layer[t["next_state"]] - layer[t["state"]] for t in transitions if name in (t["state"], t["next_state"])
        ]
        return (1 if any(step < 0 for step in steps) else 0) - (1 if any(step >= 2 for step in steps) else 0)

    columns: dict[int, list[dict]] = {}
    for s in sorted(states, key=lambda s: side(s["state"])):  # a stable sort keeps the administrator's order
        columns.setdefault(layer[s["state"]], []).append(s)
    second_line = {s["state"]: _second_line(s, current, visited) for s in states}
    box_width = {
        s["state"]: max(
            BOX_MIN_WIDTH,
            text_width(s["state"], NAME_FONT) + 28,
            text_width(second_line[s["state"]], SMALL_FONT) + 24,
        )
        for s in states
    }
    row_of = {s["state"]: row for column in columns.values() for row, s in enumerate(column)}

    # Edges: one per pair of states; straight to the next column, curved otherwise.
    edges: dict[tuple[str, str], _Edge] = {}
    for t in transitions:
        edges.setdefault((t["state"], t["next_state"]), _Edge(t["state"], t["next_state"])).transitions.append(t)
    for edge in edges.values():
        step = layer[edge.target] - layer[edge.source]
        if edge.source == edge.target or step >= 2:
            edge.kind = "above"
        elif step < 0:
            edge.kind = "below"
        else:
            edge.kind = "straight"
    below = [e for e in edges.values() if e.kind == "below"]
    above = [e for e in edges.values() if e.kind == "above"]
    _assign_tracks(below, layer.get)
    _assign_tracks(above, layer.get)

    def track_heights(side: list[_Edge]) -> list[float]:
        heights = []
        for edge in side:
            while len(heights) <= edge.track:
                heights.append(0.0)
            heights[edge.track] = max(heights[edge.track], edge.label_size()[1] + 22)
        return heights

    below_heights, above_heights = track_heights(below), track_heights(above)

    # Column positions: each gap wide enough for the labels of the straight arrows crossing it.
    column_count = max(columns) + 1
    column_width = [max((box_width[s["state"]] for s in columns.get(c, [])), default=0) for c in range(column_count)]
    gaps = [MIN_COLUMN_GAP] * column_count
    for edge in edges.values():
        if edge.kind == "straight" and layer[edge.target] == layer[edge.source] + 1:
            gaps[layer[edge.source]] = max(gaps[layer[edge.source]], edge.label_size()[0] + 28)
    column_x, x = [], PAD
    for c in range(column_count):
        column_x.append(x)
        x += column_width[c] + gaps[c]
    max_rows = max(len(column) for column in columns.values())
    # Straight arrows carry their labels above them: leave room for the tallest above the first row.
    straight_label = max((e.label_size()[1] for e in edges.values() if e.kind == "straight"), default=0)
    top = PAD + sum(above_heights) + (TRACK_GAP if above_heights else 0) + max(0, straight_label - ROW_GAP / 2)
    rows_bottom = top + max_rows * BOX_HEIGHT + (max_rows - 1) * ROW_GAP
    width = max(column_x[c] + column_width[c] for c in range(column_count)) + PAD
    for edge in below + above:  # curved labels may reach past the last column
        width = max(
            width, _curve_mid_x(edge, column_x, column_width, box_width, layer) + edge.label_size()[0] / 2 + PAD
        )
    height = rows_bottom + sum(below_heights) + (TRACK_GAP if below_heights else 0) + PAD

    def box(name):
        c = layer[name]
        w = box_width[name]
        left = column_x[c] + (column_width[c] - w) / 2
        y = top + row_of[name] * (BOX_HEIGHT + ROW_GAP)
        return left, y, w, BOX_HEIGHT

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{dom_id}" class="workflow-diagram-svg" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-label="{escape(title or "工作流程图")}">',
        f"<title>{escape(title or '工作流程图')}</title>",
        "<defs>",
        *(
            f'<marker id="{dom_id}-arrow-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
            f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (("plain", EDGE_COLOUR), ("taken", TAKEN_COLOUR), ("comment", COMMENT_COLOUR))
        ),
        "</defs>",
    ]

    # Arrows first, boxes over them, labels last (with a white halo) so that nothing hides a label.
    labels = []
    for edge in edges.values():
        is_taken = (edge.source, edge.target) in taken
        # Styled by the tasks it carries (a 撤回 beside a 退回修改 leaves that arrow red and dashed);
        # an arrow of transitions that are no one's task only is dotted.
        tasks = [t for t in edge.transitions if t["is_task"]]
        commented = bool(tasks) and all(t["comment_required"] for t in tasks)
        colour = TAKEN_COLOUR if is_taken else (COMMENT_COLOUR if commented else EDGE_COLOUR)
        marker = "taken" if is_taken else ("comment" if commented else "plain")
        path, label_x, label_y, anchor_below = _edge_path(edge, box, below_heights, above_heights, rows_bottom, top)
        not_task = not tasks
        dash = ' stroke-dasharray="6 4"' if commented else (' stroke-dasharray="2 4"' if not_task else "")
        parts.append(
            f'<path class="wf-edge{" wf-taken" if is_taken else ""}{" wf-not-task" if not_task else ""}" data-from="{escape(edge.source)}" '
            f'data-to="{escape(edge.target)}" d="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{2.4 if is_taken else 1.5}"{dash} marker-end="url(#{dom_id}-arrow-{marker})"/>'
        )
        labels.append(_label(edge, label_x, label_y, anchor_below))
    for s in states:
        parts.append(_box(s, box(s["state"]), second_line[s["state"]], current, visited))
    parts.extend(labels)
    parts.append("</svg>")
    return "".join(parts)


def _second_line(state: dict, current: str, visited: set[str]) -> str:
    kind = STYLE.get(state.get("state_type") or StateType.EDITABLE, STYLE[StateType.EDITABLE])[2]
    if current and state["state"] == current:
        return f"当前 · {kind}"
    if state["state"] in visited:
        return f"✓ 已经过 · {kind}"
    return kind


def _box(state: dict, geometry, second_line: str, current: str, visited: set[str]) -> str:
    left, y, w, h = geometry
    fill, stroke, _ = STYLE.get(state.get("state_type") or StateType.EDITABLE, STYLE[StateType.EDITABLE])
    name = state["state"]
    is_current = bool(current) and name == current
    name_colour, small_colour, stroke_width, opacity = "#1f2d3d", "#5a6673", 1.5, 1
    if is_current:
        fill, name_colour, small_colour, stroke_width = stroke, "#ffffff", "#ffffff", 3
    elif current and name not in visited:
        opacity = 0.6  # on a document's page: states it has not reached yet are quieter
    classes = "wf-state" + (" wf-current" if is_current else "") + (" wf-visited" if name in visited else "")
    cx = left + w / 2
    return (
        f'<g class="{classes}" data-state="{escape(name)}" data-type="{escape(state.get("state_type") or "")}" '
        f'opacity="{opacity}"><title>{escape(name)}（{escape(second_line)}）</title>'
        f'<rect x="{left:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h}" rx="8" fill="{fill}" stroke="{stroke}" '
        f'stroke-width="{stroke_width}"/>'
        f'<text x="{cx:.1f}" y="{y + 21:.1f}" text-anchor="middle" font-size="{NAME_FONT}" font-weight="bold" '
        f'fill="{name_colour}">{escape(name)}</text>'
        f'<text x="{cx:.1f}" y="{y + 38:.1f}" text-anchor="middle" font-size="{SMALL_FONT - 1}" '
        f'fill="{small_colour}">{escape(second_line)}</text></g>'
    )


def _curve_mid_x(edge: _Edge, column_x, column_width, box_width, layer) -> float:
    centres = [column_x[layer[n]] + column_width[layer[n]] / 2 for n in (edge.source, edge.target)]
    return sum(centres) / 2


def _edge_path(edge: _Edge, box, below_heights, above_heights, rows_bottom, top):
    """The arrow's SVG path and where its label goes: (path, x, y of the label's first line, label below?)."""
    sx, sy, sw, sh = box(edge.source)
    tx, ty, tw, th = box(edge.target)
    s_centre, t_centre = (sx + sw / 2, sy + sh / 2), (tx + tw / 2, ty + th / 2)
    if edge.kind == "straight":
        start = _border_point(s_centre, t_centre, sw, sh)
        end = _border_point(t_centre, s_centre, tw, th)
        mid_x, mid_y = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        height = edge.label_size()[1]
        path = f"M{start[0]:.1f},{start[1]:.1f} L{end[0]:.1f},{end[1]:.1f}"
        if abs(start[0] - end[0]) < 1:  # vertical (same column): label beside the line
            return path, mid_x + 8 + edge.label_size()[0] / 2, mid_y - height / 2 + LINE_HEIGHT - 3, True
        if end[1] - start[1] > 1:  # going down to a lower row: label under the line, clear of the row above
            return path, mid_x, mid_y + 6 + LINE_HEIGHT - 3, True
        return path, mid_x, mid_y - height - 4 + LINE_HEIGHT - 3, True
    # Curved: out of and into the boxes' bottoms (below) or tops (above), a little apart so that an
    # arrow leaving a box and one arriving at it do not meet.
    shift = 12 if edge.source != edge.target else 14
    if edge.kind == "below":
        base = rows_bottom + sum(below_heights[: edge.track]) + TRACK_GAP
        depth = base + below_heights[edge.track] - edge.label_size()[1] - 8
        start = (s_centre[0] - shift, sy + sh)
        end = (t_centre[0] + shift, ty + th)
        control = start[1] + (depth - start[1]) / 0.75, end[1] + (depth - end[1]) / 0.75
        label_y = depth + 6 + LINE_HEIGHT - 3
    else:
        base = top - sum(above_heights[: edge.track]) - TRACK_GAP
        depth = base - above_heights[edge.track] + edge.label_size()[1] + 8
        start = (s_centre[0] + (shift if edge.source != edge.target else -shift), sy)
        end = (t_centre[0] - (shift if edge.source != edge.target else -shift), ty)
        control = start[1] - (start[1] - depth) / 0.75, end[1] - (end[1] - depth) / 0.75
        label_y = depth - 6 - edge.label_size()[1] + LINE_HEIGHT - 3
    path = (
        f"M{start[0]:.1f},{start[1]:.1f} C{start[0]:.1f},{control[0]:.1f} "
        f"{end[0]:.1f},{control[1]:.1f} {end[0]:.1f},{end[1]:.1f}"
    )
    return path, (start[0] + end[0]) / 2, label_y, True


def _border_point(centre, towards, w, h):
    """Where the line from a box's centre towards another point leaves the box."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if dx == 0 and dy == 0:
        return centre
    scale = min((w / 2) / abs(dx) if dx else float("inf"), (h / 2) / abs(dy) if dy else float("inf"))
    return centre[0] + dx * scale, centre[1] + dy * scale


def _label(edge: _Edge, x: float, y: float, _below: bool) -> str:
    tspans = []
    for i, (text, cls, t) in enumerate(edge.label_lines()):
        size = NAME_FONT - 1 if cls == "wf-action" else SMALL_FONT
        colour = {
            "wf-action": "#1f2d3d",
            "wf-roles": "#5a6673",
            "wf-comment": COMMENT_COLOUR,
            "wf-not-task": NOT_TASK_COLOUR,
        }[cls]
        weight = ' font-weight="bold"' if cls == "wf-action" else ""
        data = (
            f' data-from="{escape(t["state"])}" data-action="{escape(t["action"])}" data-to="{escape(t["next_state"])}"'
            if cls == "wf-action"
            else ""
        )
        tspans.append(
            f'<tspan class="{cls}"{data} x="{x:.1f}" dy="{0 if i == 0 else LINE_HEIGHT}" font-size="{size}" '
            f'fill="{colour}"{weight}>{escape(text)}</tspan>'
        )
    return (
        f'<text class="wf-label" x="{x:.1f}" y="{y:.1f}" text-anchor="middle" paint-order="stroke" '
        f'stroke="#ffffff" stroke-width="4" stroke-linejoin="round">{"".join(tspans)}</text>'
    )


def workflow_rows(workflow) -> tuple[list[dict], list[dict]]:
    """A saved workflow's states and transitions as the plain rows render_svg takes."""
    states = [{"state": s.state, "state_type": s.state_type} for s in sorted(workflow.states.all(), key=_idx)]
    transitions = [
        {
            "state": t.state,
            "action": t.action,
            "next_state": t.next_state,
            "allowed": t.allowed,
            "comment_required": t.comment_required,
            "is_task": t.is_task,
        }
        for t in sorted(workflow.transitions.all(), key=_idx)
    ]
    return states, transitions


def _idx(row):
    return (row.idx or 0, row.pk or 0)


def workflow_svg(workflow, logs=None, current: str = "") -> str:
    """The diagram of a saved workflow; with a document's log and state, its way through it highlighted."""
    states, transitions = workflow_rows(workflow)
    moves = [log for log in (logs or []) if log.moved]
    visited = {log.from_state for log in moves if log.from_state} | {log.to_state for log in moves}
    taken = {(log.from_state, log.to_state) for log in moves if log.from_state}
    return render_svg(
        states,
        transitions,
        title=f"{workflow.name}流程图" + (f"：当前状态 {current}" if current else ""),
        current=current,
        visited=visited - {current},
        taken=taken,
    )
