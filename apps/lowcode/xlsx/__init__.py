"""Excel workbooks for every engine: opening uploads safely (reader) and the shared look of sheets (styles).

Generic: it knows cells, sheets and Chinese messages, nothing of any app.
"""
