"""IMP Desktop: the offline program of family-planning field officers (PKB)."""

__version__ = "0.1.0"
APP_NAME = "IMP Desktop"
APP_ID = "imp-desktop"
