"""Package data of ipcity.geo (regions.csv: see ipcity.geo.build_data)."""
