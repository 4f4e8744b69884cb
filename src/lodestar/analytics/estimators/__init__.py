"""Estimators: one module per design family, each returning an EffectEstimate."""
