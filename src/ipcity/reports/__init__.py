"""Reports: the annual work report in DOCX, PDF and HTML.

``gather.gather_report_data`` -> ``model.ReportData`` (numbers from the engine and the
workspace) -> ``compose.compose`` -> ``document.ReportDocument`` (one language) -> the
renderers ``docx_builder``, ``pdf``, ``html``; ``build.build_report`` does it all and
``commands`` adds ``ipcity report``. See docs/reports.md.
"""
