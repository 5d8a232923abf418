"""The engine: networks, activations, losses, the chain rule, optimisers, the trainer and sweeps."""
