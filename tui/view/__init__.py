"""Pure view state folded from events: graph model, run statistics, captions, lecture scenes."""
