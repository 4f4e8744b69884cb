"""R3-R5: Callaway & Sant'Anna on mpdta, recomputed with moderndid (a Python port of R's did).

The stored values are the R did README's; this checks moderndid reproduces them, which makes
it a fair independent check of Lodestar's own group-time engine.

Run: uv run python tests/reference/scripts/mpdta_moderndid.py
"""

from __future__ import annotations

import moderndid
from _common import done, reference, report


def main() -> None:
    data = moderndid.load_mpdta().to_pandas()
    mp = moderndid.att_gt(data, yname="lemp", tname="year", idname="countyreal",
                          gname="first.treat", est_method="reg", control_group="nevertreated",
                          cband=False)  # fmt: skip
    r3 = reference("R3")
    for i, (computed, stored) in enumerate(zip(mp.att_gt, r3["values"]["att"], strict=True)):
        report(f"R3 ATT(g,t) cell {i + 1}", float(computed), stored, r3["tolerance"]["abs"])
    r4 = reference("R4")
    for kind, (point, se) in r4["values"].items():
        agg = moderndid.aggte(mp, type=kind, cband=False)
        report(f"R4 {kind} estimate", float(agg.overall_att), point, r4["tolerance"]["abs"])
        report(f"R4 {kind} SE", float(agg.overall_se), se, r4["tolerance"]["se_rel"], rel=True)
    r5 = reference("R5")
    dynamic = moderndid.aggte(mp, type="dynamic", cband=False)
    by_event = dict(zip(dynamic.event_times, dynamic.att_by_event, strict=True))
    for e, stored in zip(r5["values"]["event_time"], r5["values"]["att"], strict=True):
        report(f"R5 event time {e:+d}", float(by_event[e]), stored, r5["tolerance"]["abs"])
    done()


if __name__ == "__main__":
    main()
