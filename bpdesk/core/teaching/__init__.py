"""Teaching content: derivations, worked examples and handouts, narration, practice, lessons, maps."""
