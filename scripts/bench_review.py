"""Editors' pages on a whole run: size, time and peak memory of `kyket review` and `kyket diff
--format html`, at 1× and 4× the run, and how fast the pages open and filter in headless
Chromium. Figures are printed as ratios to floors measured in the same run (a plain read of
the records file; a browser opening a one-line page).

    python scripts/bench_review.py RUN/records.jsonl [--scratch /tmp/bench-review]

Makes an edited copy of the records for the diff (every 50th record with agreements gets a
changed date, every 70th loses an agreement, every 90th gains a copy of one with a new id,
one text gets a changed word), and a 4× file (the run four times, ids suffixed).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RSS = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
       "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)")


def measure(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of a command, run in its own process."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", RSS, *cmd], capture_output=True, text=True, check=True, cwd=ROOT)
    kb, rc = out.stdout.split()
    if rc not in ("0", "1"):
        raise SystemExit(f"failed: {' '.join(cmd)}\n{out.stderr}")
    return time.perf_counter() - t, int(kb) / 1024


def edited_copy(src: Path, dst: Path) -> dict:
    n = {"date": 0, "removed": 0, "added": 0, "text": 0}
    k = 0
    with src.open(encoding="utf-8") as fi, dst.open("w", encoding="utf-8") as fo:
        for line in fi:
            rec = json.loads(line)
            if rec["agreements"]:
                k += 1
                ag = rec["agreements"][0]
                if k % 50 == 0 and ag.get("date"):
                    ag["date"]["value"] = "2001-01-01"
                    n["date"] += 1
                if k % 70 == 0:
                    rec["agreements"].pop()
                    n["removed"] += 1
                elif k % 90 == 0:
                    rec["agreements"].append(dict(ag, agreement_id=ag["agreement_id"] + "-b", type="other"))
                    n["added"] += 1
                if k == 7:
                    words = rec["text"].split(" ")
                    words[len(words) // 2] = "THAY"
                    rec["text"] = " ".join(words)
                    n["text"] += 1
            fo.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return n


def times4(src: Path, dst: Path) -> None:
    with dst.open("w", encoding="utf-8") as fo:
        for i in range(4):
            with src.open(encoding="utf-8") as fi:
                for line in fi:
                    rec = json.loads(line)
                    rec["article_id"] += f"#{i}" if i else ""
                    fo.write(json.dumps(rec, ensure_ascii=False) + "\n")


def browser_figures(folders: dict[str, Path], scratch: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    drv.set_page_load_timeout(180)
    try:
        floor_page = scratch / "floor.html"
        floor_page.write_text("<!doctype html><title>x</title><p>x</p>", encoding="utf-8")
        t = time.perf_counter()
        drv.get(floor_page.as_uri())
        floor = time.perf_counter() - t
        print(f"browser floor (open a one-line page): {floor:.3f} s")
        for name, folder in folders.items():
            t = time.perf_counter()
            drv.get((folder / "index.html").as_uri())
            opened = time.perf_counter() - t
            count = drv.find_element("id", "count").text
            t = time.perf_counter()
            drv.execute_script("var q=document.getElementById('q'); q.value='bac ninh'; q.dispatchEvent(new Event('input'));")
            found = drv.find_element("id", "count").text
            filtered = time.perf_counter() - t
            if not (folder / "pages" / "0001.html").exists():
                print(f"{name}: list {count} opens in {opened:.2f} s ({opened / floor:.1f}× floor); no page")
                continue
            t = time.perf_counter()
            drv.get((folder / "pages" / "0001.html").as_uri())
            page = time.perf_counter() - t
            size = (folder / "pages" / "0001.html").stat().st_size / 1e6
            print(f"{name}: list {count} opens in {opened:.2f} s ({opened / floor:.1f}× floor); search 'bac ninh' → "
                  f"{found} in {filtered:.2f} s; page 1 ({size:.2f} MB) opens in {page:.2f} s ({page / floor:.1f}× floor)")
    finally:
        drv.quit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("records")
    ap.add_argument("--scratch", default="/tmp/bench-review")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args()
    src = Path(args.records).resolve()
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    edited, big = scratch / "edited" / "records.jsonl", scratch / "x4" / "records.jsonl"
    edited.parent.mkdir(exist_ok=True)
    big.parent.mkdir(exist_ok=True)
    print("edits for the diff:", edited_copy(src, edited))
    times4(src, big)
    kyket = [sys.executable, "-m", "pipeline.cli"]
    floor_cmd = [sys.executable, "-c", "import sys; from pipeline.tables import iter_records\n"
                 "for _ in iter_records(sys.argv[1]): pass"]
    f1 = measure([*floor_cmd, str(src)])
    f4 = measure([*floor_cmd, str(big)])
    print(f"floor (read + parse every record): 1× {f1[0]:.1f} s {f1[1]:.0f} MB; 4× {f4[0]:.1f} s {f4[1]:.0f} MB")
    runs = {
        "review": (["review", "{src}", "--out", "{out}"], "review"),
        "review --all": (["review", "{src}", "--out", "{out}", "--all"], "review-all"),
        "diff html, same run": (["diff", "{src}", "{src}", "--format", "html", "--out", "{out}"], "diff-same"),
        "diff html, edited": (["diff", "{src}", "{edited}", "--format", "html", "--out", "{out}"], "diff-edited"),
    }
    folders = {}
    for name, (argv, folder) in runs.items():
        row = []
        scales = (("1×", src, f1), ("4×", big, f4)) if folder != "diff-edited" else (("1×", src, f1),)
        for scale, path, floor in scales:
            out = scratch / f"{folder}-{scale[0]}"
            cmd = [a.format(src=path, out=out, edited=edited) for a in argv]
            secs, mb = measure([*kyket, *cmd])
            size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
            pages = len(list((out / "pages").glob("*.html")))
            row.append(f"{scale}: {secs:.1f} s ({secs / floor[0]:.2f}× floor), peak {mb:.0f} MB "
                       f"({mb / floor[1]:.2f}× floor), {size:.1f} MB in {pages} pages")
            if scale == "1×":
                folders[name] = out
        print(f"{name}: " + "; ".join(row))
    if not args.no_browser:
        browser_figures(folders, scratch)


if __name__ == "__main__":
    main()
