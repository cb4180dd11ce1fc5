"""Peran Bakti: checklists and recaps (``screen.RoleScreen``), their item ``models``, the
history ``chart``, the gap-to-action ``gap_dialog`` and the Peran Bakti page of Pengaturan
(``settings_page``)."""
