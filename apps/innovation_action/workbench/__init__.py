"""The workbench at /app/: the Vue single-page app of ../frontend/, built into ../static/workbench/."""
