"""Does a trained line classifier beat the clean stage's rules? Leave-one-page-out on the
rendered pages of ../shared/html (tests/pipeline/clean_material.py: html2text,
BeautifulSoup, w3m and lynx when installed; trafilatura + jusText silver labels).

A scikit-learn logistic regression reads each line's features and its two neighbours' on
each side, the rules' own class among them, and is trained on eight pages, tested on the
ninth. Printed: furniture lines removed and body lines kept, by the rules and by the model.
Needs scikit-learn (not a dependency of the project: no model is shipped, see README).

    python scripts/line_classifier_cv.py [--threshold 0.5]
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.lines import decide  # noqa: E402
from pipeline.textnorm import normalize_unicode  # noqa: E402
from tests.pipeline.clean_material import label_lines, pages, render, renderers, silver  # noqa: E402

SIGNALS = ["none", "seed", "tail", "markup", "date", "contact", "ui", "label", "menu", "symbols", "image", "caption",
           "tags", "outside-main-block", "title", "link"]
CLASSES = ["bad", "short", "neargood", "good"]


def features(lines) -> list[list[float]]:
    out = []
    for k, ln in enumerate(lines):
        sig = (ln.signal or "none").split(":")[0]
        f = [math.log1p(ln.words), math.log1p(len(ln.plain)), ln.stop, ln.caps, float(ln.end_punct), float(ln.bullet),
             k / max(1, len(lines))]
        f += [float(sig == s) for s in SIGNALS] + [float(ln.cf == c) for c in CLASSES] + [float(ln.cls == "good")]
        for d in (-2, -1, 1, 2):
            j = k + d
            if 0 <= j < len(lines):
                m = lines[j]
                f += [float(m.cls == "good"), m.stop, math.log1p(m.words), float(m.end_punct)]
                f += [float(m.cf == c) for c in CLASSES]
            else:
                f += [0.0] * (4 + len(CLASSES))
        out.append(f)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threshold", type=float, default=0.5, help="P(body) above which the model keeps a line")
    args = ap.parse_args()
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    data: dict[str, list] = {}
    for name in pages():
        s = silver(name)
        for r in renderers():
            raw = normalize_unicode(render(name, r))
            lines = decide(raw)
            labels = {no: lab for no, lab, _ in label_lines(raw, s)}
            for ln, x in zip(lines, features(lines), strict=True):
                lab = labels.get(raw.count("\n", 0, ln.start))
                if lab in ("body", "furniture"):
                    data.setdefault(name, []).append((x, lab == "body", ln.cls == "good"))
    tally = {k: [0, 0] for k in ("rules furniture removed", "rules body kept", "model furniture removed", "model body kept")}
    for test in sorted(data):
        train = [d for n, v in data.items() if n != test for d in v]
        clf = LogisticRegression(max_iter=2000).fit(np.array([d[0] for d in train]), np.array([d[1] for d in train]))
        pred = clf.predict_proba(np.array([d[0] for d in data[test]]))[:, 1] > args.threshold
        for (_x, body, rule), model in zip(data[test], pred, strict=True):
            what = "body kept" if body else "furniture removed"
            for who, kept in (("rules", rule), ("model", model)):
                tally[f"{who} {what}"][0] += int(kept == body)
                tally[f"{who} {what}"][1] += 1
    for k, (n, t) in tally.items():
        print(f"{k:26s} {n / t:.4f}  {n}/{t}")


if __name__ == "__main__":
    main()
