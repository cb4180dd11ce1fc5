"""Services: every rule of the program, in plain Python.

The window, the command line and the tests all call these functions; they take
and return plain values (dataclasses, ids, dicts, lists) and never import Qt.
"""
