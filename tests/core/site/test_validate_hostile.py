"""Validation of hostile or careless screens: every cycle listed, missing programs named,
bad output caps explained."""

from __future__ import annotations


def _step(sid: str, after: list[str], extra: str = "") -> str:
    return f'[[steps]]\nid = "{sid}"\ntitle = "{sid}"\nrun = "true"\nafter = {after!r}\n{extra}'


def test_every_independent_cycle_in_after_is_listed(site, capsys):
    steps = [_step("a", ["b"]), _step("b", ["a"]), _step("c", []), _step("d", ["e"]),
             _step("e", ["d"])]
    site.screen("s", 'title = "t"\n' + "\n".join(steps).replace("'", '"'))
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "cycle in `after`: a → b → a" in err and "cycle in `after`: d → e → d" in err


def test_a_program_not_on_path_is_named(site, capsys):
    site.screen("s", 'title = "t"\n[[steps]]\nid = "x"\ntitle = "x"\n'
                     'argv = ["maintui-no-such-tool-4711", "--help"]\n')
    assert site.cli("validate") == 2
    assert "maintui-no-such-tool-4711" in capsys.readouterr().err


def test_bad_output_caps_are_explained(site, capsys):
    site.add_config('[output]\ncap = "lots"\non_cap = "halt"\n')
    site.screen("s", 'title = "t"\n[[steps]]\nid = "x"\ntitle = "x"\nrun = "true"\n'
                     'output_cap = "huge"\n')
    assert site.cli("validate") == 2
    err = capsys.readouterr().err
    assert "output.cap: bad size 'lots'" in err and "output.on_cap: expected one of" in err
    site.config.write_text(site.config.read_text().replace('cap = "lots"\non_cap = "halt"\n', ""))
    assert site.cli("validate") == 2
    assert "bad size 'huge'" in capsys.readouterr().err
