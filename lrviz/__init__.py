"""lrviz: the learning rate, seen. The core (everything here but ``lrviz.ui``) is pure JAX."""

from lrviz import devices

devices.configure()
