"""Committee reports to print and download: CSV, XLSX, the HTML page with SVG charts, routes and the command."""
