"""The compare page: its state (link <-> config), figures and UI."""
