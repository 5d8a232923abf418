"""Teaching content: derivations, worked examples, handouts, narration, practice, lessons, maps."""
