"""Compare: up to six runs (optimizer, hyper-parameters, rate, schedule) on one surface, in lock-step."""

from lrviz.app.compare import page

page.show()
