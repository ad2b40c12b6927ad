"""Reference procuracy system (Hệ thống kiểm sát thi hành án): supervision documents, cursor paging, batch lookup."""
