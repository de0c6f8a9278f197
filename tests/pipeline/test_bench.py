"""`kyket bench` on a tiny corpus: every figure it prints is there and consistent."""
import json

from pipeline.bench import bench, floor_pass


def test_bench_reports_the_floor_and_the_ratio_to_it(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl"
    rows = [{"id": f"a{i}", "text": f"Tiêu đề {i}\nSáng 5/6, Công ty A{i} và Công ty B{i} đã ký kết biên bản ghi nhớ hợp tác."}
            for i in range(6)]
    corpus.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert floor_pass(corpus) > 0
    figures = bench(str(corpus), workers=1, sample=0, plain_sample=0, out=str(tmp_path / "out"))
    full = figures["full"]
    assert full["records"] == 6 and full["errors"] == 0 and full["agreements"] == 6
    assert figures["floor_s"] > 0
    assert full["floor_ratio"] > 1  # a run that extracts is slower than one that only reads
    # CPU seconds of the run against the floor's (the figure other users' load leaves alone)
    assert figures["floor_cpu_s"] > 0 and full["cpu_s"] > 0 and full["cpu_floor_ratio"] > 1
    printed = capsys.readouterr().out
    assert "floor (one core" in printed and f"x{full['floor_ratio']} the floor" in printed
    assert f"CPU (all processes): {full['cpu_s']} s" in printed and f"x{full['cpu_floor_ratio']};" in printed
