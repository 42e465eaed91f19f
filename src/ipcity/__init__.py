"""ipcity."""
