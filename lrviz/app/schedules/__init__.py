"""The schedules page: its state (link <-> config), figures and UI."""
