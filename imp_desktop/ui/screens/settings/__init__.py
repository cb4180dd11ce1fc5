"""Pengaturan: the settings screen (``screen.SettingsScreen``) whose tabs are ``PAGES``;
its own pages ``general_page`` and ``documents_page`` (other screens bring theirs)."""
