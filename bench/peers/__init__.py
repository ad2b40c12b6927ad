"""Peer gateways of judgment-360 (bench/README.md): their subgraphs and how they are run."""
