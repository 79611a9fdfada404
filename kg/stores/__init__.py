"""One module per store or export the graph is written to; all follow `kg.graph`'s schema."""
