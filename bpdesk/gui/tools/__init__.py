"""The teaching tools: Explain, Practice, decision boundary, landscape, comparisons, lessons, files."""
