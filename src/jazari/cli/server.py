"""`jazari serve`: the API and web pages, with the background workers, on this machine."""

from __future__ import annotations

import typer

from jazari.cli.root import app, err, open_node, translated


@app.command()
@translated
def serve(
    host: str = typer.Option(None, "--host", help="Address to listen on [JAZARI_HOST or 127.0.0.1]."),
    port: int = typer.Option(None, "--port", help="Port [JAZARI_PORT or 8000]."),
) -> None:
    """Start the web pages and the API (and the ingest workers)."""
    import uvicorn

    from jazari.api.app import create_app

    jz = open_node()
    host = host or jz.settings.host
    port = port or jz.settings.port
    err.print(f"Jazari on http://{host}:{port}/  (API: http://{host}:{port}/openapi.json)", highlight=False)
    try:
        uvicorn.run(create_app(jz), host=host, port=port, log_level="info")
    finally:
        jz.close()
