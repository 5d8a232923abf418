"""bpdesk-cli lecture: every printed figure of the lecture against bpdesk's, as a table or JSON."""

from __future__ import annotations

import json
from pathlib import Path

from bpdesk.cli import main

REFERENCE = Path(__file__).parent / "reference"


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _printed() -> dict[str, str]:
    data = json.loads((REFERENCE / "lecture_figures.json").read_text())
    return {item["id"]: item["printed"] for item in data["figures"]}


def test_json_has_every_figure_once(capsys):
    code, out, err = run_cli(capsys, "lecture", "--json")
    assert code == 0 and err == ""
    figures = json.loads(out)["figures"]
    by_id = {f["id"]: f for f in figures}
    assert len(by_id) == len(figures)
    for fid, printed in _printed().items():
        assert by_id[fid]["printed"] == printed
    example = json.loads((REFERENCE / "lecture_example.json").read_text())
    assert by_id["example:E_total"]["printed"] == repr(example["forward"]["E_total"])
    for figure in figures:
        assert figure["why"]
        if figure.get("show_it"):
            assert figure["agrees"] is False and figure["reproduced"] == figure["printed"]
            assert all(isinstance(c, str) for c in figure["show_it"]["commands"])


def test_text_is_a_table_with_a_row_per_figure(capsys):
    code, out, err = run_cli(capsys, "lecture")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["figure", "printed", "bpdesk", "default", "agrees?"]
    _, out_json, _ = run_cli(capsys, "lecture", "--json")
    figures = json.loads(out_json)["figures"]
    rows = [line for line in lines if not line.startswith(" ")]
    assert len(rows) == len(figures) + 2  # the header and its rule
    for row, figure in zip(rows[2:], figures, strict=True):
        assert row.startswith(figure["title"])
        if figure["kind"] == "figure":
            assert figure["printed"] in row and figure["default"] in row
    for figure in figures:
        if figure["reproduced_by"]:
            assert f"reproduced by: {figure['reproduced_by'][:30]}" in " ".join(out.split())


def test_bad_options_are_refused_in_one_line(capsys):
    code, _, err = run_cli(capsys, "lecture", "--preset", "xor")
    assert code == 2 and err.count("\n") == 1
