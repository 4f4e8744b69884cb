"""Skills: the catalogue and its imports (``catalogue``, ``moodle_export``), job-title
profiles and priority weights (``profiles``), assessments (``assessments``), gaps and the heat
map (``gaps``), the forecast (``forecast``) and the tier-2 "skills gained" of a program
(``program_tier``). Import the module you need; this package imports nothing eagerly."""
