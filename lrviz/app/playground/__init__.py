"""The playground page: its state (link <-> config), figures and UI."""
