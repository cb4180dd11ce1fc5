"""Beranda: the home screen (``screen.HomeScreen``), counts that open the other screens."""
