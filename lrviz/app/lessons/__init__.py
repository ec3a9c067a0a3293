"""Guided lessons at ``/lessons``: short stories of steps, each a page of the app in a given state."""
