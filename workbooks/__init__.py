"""Sample workbooks of 部门决算公开表 and the builder that makes layout variants of them for tests."""
