"""Realistic demo data in Danish, for development and trying Samspil out."""
