"""Kegiatan: the activity list (``screen.ActivityScreen``), the activity ``editor`` with its
attendance and list ``models``, ``invite_dialog`` and ``photo_panel``, and the activity
types page of Pengaturan (``types_page``)."""
