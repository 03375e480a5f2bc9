"""The data contract: schema, readers for CSV/Excel/Parquet, validation, reference tables and SROI valuation."""
