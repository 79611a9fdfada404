"""kg: a knowledge-graph builder for the medical-imaging AI literature."""

__version__ = "0.1.0"
