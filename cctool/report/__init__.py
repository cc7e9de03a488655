"""Report building and writing: Excel workbooks and JSON, atomic and formula-safe."""
