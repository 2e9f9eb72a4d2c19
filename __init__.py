"""beteiligung: a workflow engine for citizen-participation processes (Hannover's Leitlinien).

The repository root is the package ``beteiligung``; its layers are subpackages, and imports
point one way only::

    states  <-  workflow  <-  storage, notifications  <-  config (wiring)  <-  cli, web

``tests/test_layering.py`` fails when an import points the wrong way.
"""

__version__ = "0.1.0"

