"""Program impact: the analysis frame, the estimate, and the stored result."""
