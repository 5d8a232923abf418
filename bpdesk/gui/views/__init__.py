"""The views of the desk: the network canvas, the derivation panel, the error plot, parameters."""
