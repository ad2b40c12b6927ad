"""The console's page areas, one module per area (the inbox, …); each runs only GraphQL documents."""
