"""What every page shares: link state, widgets, shell, language, boot, theme and figure pieces."""
