"""Not a page of its own: the way into ``pages/lr_finder.py`` on a freshly started server.

Until some script has called ``st.navigation``, Streamlit runs in its legacy pages-folder mode
and finds a page by its file name. The LR finder's path, ``/lr-finder`` (app.py), is not its
file name, ``lr_finder``, so the first visitor of a fresh server who opened ``/lr-finder`` would
get "Page not found" and the home page. This file has the path's name: Streamlit runs it, and
:func:`lrviz.ui.shell.routed` switches to ``st.navigation`` routing and reruns. The rerun keeps
this page's hash, the hash of ``lr-finder``, which is the hash of app.py's
``st.Page(url_path="lr-finder")``, so app.py then opens the LR finder. app.py does not list this
file, so once routing runs through app.py nothing can reach it.
"""

from lrviz.ui import shell

shell.routed()
