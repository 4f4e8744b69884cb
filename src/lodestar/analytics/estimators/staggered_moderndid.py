"""The moderndid engine for Callaway & Sant'Anna: used with covariates, or doubly robust /
IPW estimation (``engine="moderndid"``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lodestar.analytics.estimators.group_time import Aggregation, GroupTimeEffects, _wald
from lodestar.analytics.panels import ControlGroup, Panel

# --------------------------------------------------------------------------------------------
# moderndid engine (covariates, doubly robust / IPW)
# --------------------------------------------------------------------------------------------


def _group_time_moderndid(
    panel: Panel, control_group: ControlGroup, est_method: str
) -> tuple[GroupTimeEffects, list[str]]:
    import moderndid

    frame = panel.frame
    data = pd.DataFrame(
        {
            "uid": pd.factorize(frame["unit"])[0] + 1,
            "time": frame["time"].to_numpy(),
            "y": frame["y"].to_numpy(),
            "g": np.where(np.isfinite(frame["cohort"]), frame["cohort"], 0.0),
        }
    )
    for i, c in enumerate(panel.covariates):
        data[f"x{i}"] = frame[c].to_numpy()
    xformla = (
        "~ " + " + ".join(f"x{i}" for i in range(len(panel.covariates)))
        if panel.covariates
        else None
    )
    notes: list[str] = []
    if panel.cluster:
        notes.append(
            "Standard errors with covariates are clustered by person, not by "
            f"'{panel.cluster}': the analytic engine used for covariates does not support it."
        )
    mp = moderndid.att_gt(
        data,
        yname="y",
        tname="time",
        idname="uid",
        gname="g",
        xformla=xformla,
        est_method=est_method,
        control_group="nevertreated" if control_group == "never_treated" else "notyettreated",
        allow_unbalanced_panel=not panel.balanced,
        cband=False,
    )

    def agg(kind: str, keys_attr: str = "event_times") -> Aggregation:
        a = moderndid.aggte(mp, type=kind, cband=False)
        keys = getattr(a, keys_attr, None)
        return Aggregation(
            kind,
            float(a.overall_att),
            float(a.overall_se),
            np.asarray(keys if keys is not None else []),
            np.asarray(a.att_by_event if a.att_by_event is not None else []),
            np.asarray(a.se_by_event if a.se_by_event is not None else []),
        )

    dynamic = agg("dynamic")
    pre = dynamic.keys < 0
    inf = getattr(moderndid.aggte(mp, type="dynamic", cband=False), "influence_func", None)
    stat, df, p = (None, 0, None)
    vcov = None
    if inf is not None:
        inf_m = np.asarray(inf)
        n = inf_m.shape[0]
        if inf_m.ndim == 2 and inf_m.shape[1] == len(dynamic.keys):
            vcov = (inf_m.T @ inf_m) / n**2
        if pre.any():
            stat, df, p = _wald(dynamic.estimates[pre], (inf_m[:, pre].T @ inf_m[:, pre]) / n**2)
    effects = GroupTimeEffects(
        groups=np.asarray(mp.groups, dtype=float),
        times=np.asarray(mp.times, dtype=float),
        att=np.asarray(mp.att_gt, dtype=float),
        se=np.asarray(mp.se_gt, dtype=float),
        simple=agg("simple"),
        dynamic=dynamic,
        group=agg("group"),
        calendar=agg("calendar"),
        pre_trend_stat=stat,
        pre_trend_df=df,
        pre_trend_p=p,
        dynamic_vcov=vcov,
    )
    return effects, notes
