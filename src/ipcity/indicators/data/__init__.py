"""Package data of ipcity.indicators: the versioned definition and the default SEI concordance."""
