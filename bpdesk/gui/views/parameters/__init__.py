"""The parameter panel: the weight table, the training settings and the network editor."""
