"""Brands, series, products, units of measure, price lists and customer prices."""
