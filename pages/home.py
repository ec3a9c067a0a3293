"""Home: what lrviz is, and where to go."""

from lrviz.app.home import page

page.show()
