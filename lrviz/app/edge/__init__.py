"""The /edge page: its state (link <-> config), computations, figures, words and UI."""
