"""`jazari demo`: load the HCP 2024 census as the institute `hcp`."""

from __future__ import annotations

import typer

from jazari.cli.root import app, emit, err, open_node, translated


@app.command()
@translated
def demo(as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """Load the demo data: Morocco's regions, provinces, communes and census (HCP 2024), and two campaigns."""
    from jazari.demo import demo_accounts, load_demo

    with open_node() as jz:
        accounts = demo_accounts(jz)
        results = load_demo(jz)

    def render(rows: list[dict]) -> None:
        for account in accounts:
            password = account["password"] or "(unchanged since an earlier run)"
            err.print(f"  account {account['email']}: password {password}", highlight=False)
        for r in rows:
            state = "unchanged" if r.get("unchanged") else f"{r['rows_total']:,} rows"
            err.print(f"  {r['dataset']} version {r['version']}: {state}", highlight=False)
        err.print("Demo loaded. Start the server with `jazari serve` and open http://127.0.0.1:8000/")

    emit(results, as_json, render)
