"""Reference court system (Hệ thống quản lý án của Tòa án): judgments, page-numbered listing, batch lookup."""
