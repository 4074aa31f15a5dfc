"""Pure drawing: graph layout, boxes, edges and the character canvas (no Textual, no engine)."""
