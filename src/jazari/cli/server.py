"""`jazari serve`: the API and web pages, with the background workers, on this machine."""

from __future__ import annotations

import os

import typer

from jazari.cli.root import app, err, open_node, translated


@app.command()
@translated
def serve(
    host: str = typer.Option(None, "--host", help="Address to listen on [JAZARI_HOST or 127.0.0.1]."),
    port: int = typer.Option(None, "--port", help="Port [JAZARI_PORT or 8000]."),
    workers: int = typer.Option(None, "--workers", min=1, max=64,
                                help="Server processes [JAZARI_WORKERS or 1]; one per core answers the most requests."),
) -> None:
    """Start the web pages and the API (and the ingest workers)."""
    import uvicorn

    from jazari.api.app import create_app

    jz = open_node()
    host = host or jz.settings.host
    port = port or jz.settings.port
    workers = workers or jz.settings.workers
    err.print(f"Jazari on http://{host}:{port}/  (API: http://{host}:{port}/openapi.json)", highlight=False)
    try:
        if workers == 1:
            uvicorn.run(create_app(jz), host=host, port=port, log_level="info")
            return
        # uvicorn starts `workers` processes that each build the app (`worker_app`) over this node: the
        # settings they read must name the same home; the jobs and the retention schedule run here, once
        os.environ["JAZARI_HOME"] = str(jz.settings.home)
        jz.jobs.start_workers()
        jz.retention_scheduler.start()
        uvicorn.run("jazari.api.app:worker_app", factory=True, workers=workers, host=host, port=port,
                    log_level="info")
    finally:
        jz.close()
