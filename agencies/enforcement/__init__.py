"""Reference enforcement system (Hệ thống quản lý thi hành án dân sự): cases, offset paging, batch lookup."""
