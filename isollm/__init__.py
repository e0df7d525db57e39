"""isollm toolkit: the configuration and state layer of isollm."""

__version__ = "0.1.0"
