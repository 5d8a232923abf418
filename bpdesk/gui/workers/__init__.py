"""Workers: the live step machine and the comparison runs on their own threads, in chunks."""
