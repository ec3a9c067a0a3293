"""Sweep: hundreds of learning rates at once; which is best, and where does it break?"""

from lrviz.app.sweep import page

page.show()
