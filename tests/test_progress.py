"""A build never sits silent: a bar per encoder on a terminal, else a line per stage and a heartbeat."""

import io

from indexer import progress as progress_module
from indexer.progress import Progress


def test_off_a_terminal_each_stage_and_encoder_gets_lines(monkeypatch):
    monkeypatch.setattr(progress_module, "HEARTBEAT_S", 0.0)
    out = io.StringIO()
    p = Progress(out, bars=False)
    p.stage("splitting 5000 practices into passages")
    p.start("e5", 100)
    p.advance("e5", 40)
    p.advance("e5", 60)
    p.finish("e5")
    lines = out.getvalue().splitlines()
    assert lines[0] == "build: splitting 5000 practices into passages"
    assert lines[1] == "build: embedding 100 texts with e5"
    assert lines[2].startswith("build: e5 40/100 texts, ") and "s left" in lines[2]
    assert lines[3].startswith("build: e5: 100 texts embedded in ")
    assert len(lines) == 4


def test_on_a_terminal_one_bar_per_encoder():
    out = io.StringIO()
    p = Progress(out, bars=True)
    p.start("minilm", 10)
    p.start("e5", 10)
    p.advance("minilm", 10)
    p.advance("e5", 5)
    p.finish("minilm")
    p.finish("e5")
    text = out.getvalue()
    assert "embed minilm" in text and "embed e5" in text and "10/10" in text and "5/10" in text
