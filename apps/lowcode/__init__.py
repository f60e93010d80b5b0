"""Generic low-code machinery, Frappe's vocabulary on Django.

Knows nothing of any particular app: apps build their doctypes on it.
"""
