"""The sweep page: its state (link <-> config), figures and UI."""
