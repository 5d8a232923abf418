"""The teaching tools: Explain, Practice, boundary, landscape, comparisons, lessons, files."""
