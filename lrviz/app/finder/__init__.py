"""The finder page: its state (link <-> config), figures and UI."""
