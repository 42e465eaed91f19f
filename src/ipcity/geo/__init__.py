"""Regions: GB/T 2260 codes (``regions``) and offline address -> place resolution
(``resolve``). See docs/regions.md."""
