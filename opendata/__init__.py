"""Open data (过程和结果公开公示, 数据共享): every project as Open Contracting (OCDS 1.1) releases and
records, bulk downloads and public statistics (docs/architecture.md, "Open data")."""
