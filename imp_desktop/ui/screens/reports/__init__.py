"""Laporan: choosing, previewing and saving the PDF documents (``screen.ReportScreen``)."""
