"""Search facets and term counts: one row per (dataset, facet, value) for the themes, regions,
licence and format of a dataset, so that search filters and counts them in SQL; and, per term of the
vocabulary, how many indexed documents hold it (the row of the empty term: how many documents there
are), so that a query knows its common words. Both are filled here from what there is; afterwards
`catalog.search.reindex` keeps them with the search index. An index on `datasets.updated_at` lists
datasets newest first without sorting them all.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHUNK = 500


def upgrade() -> None:
    facets = op.create_table(
        "dataset_facets",
        sa.Column("dataset_id", sa.Integer, sa.ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("facet", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),  # what filters compare (a licence case-folded)
        sa.Column("value", sa.String(200), nullable=False),  # what facets show
        sqlite_with_rowid=False,
    )
    op.create_index("ix_dataset_facets_facet_key", "dataset_facets", ["facet", "key", "dataset_id"])
    op.create_index("ix_datasets_updated_at", "datasets", ["updated_at"])  # listing newest first, no words
    op.add_column("search_terms", sa.Column("docs", sa.Integer, nullable=False, server_default="0"))
    _fill(op.get_bind(), facets)
    _count(op.get_bind())


def _fill(bind: Any, facets: sa.Table) -> None:
    """The facets of the datasets there are: the rule of `catalog.search.facet_rows` as of this revision."""
    datasets = sa.table("datasets", sa.column("id", sa.Integer), sa.column("metadata", sa.JSON))
    versions = sa.table("versions", sa.column("dataset_id", sa.Integer), sa.column("number", sa.Integer),
                        sa.column("source_name", sa.String))
    newest = (sa.select(versions.c.dataset_id, sa.func.max(versions.c.number).label("n"))
              .group_by(versions.c.dataset_id).subquery())
    sources = dict(bind.execute(sa.select(versions.c.dataset_id, versions.c.source_name).join(
        newest, (versions.c.dataset_id == newest.c.dataset_id) & (versions.c.number == newest.c.n))).all())
    rows: list[dict[str, Any]] = []
    for dataset_id, meta in bind.execute(sa.select(datasets.c.id, datasets.c.metadata)):
        meta = meta if isinstance(meta, dict) else {}
        found = {("theme", str(t), str(t)) for t in meta.get("themes") or []}
        found |= {("region", str(r), str(r)) for r in meta.get("regions") or []}
        if isinstance(meta.get("license"), str) and meta["license"].strip():
            found.add(("license", meta["license"].casefold()[:200], meta["license"][:200]))
        source = sources.get(dataset_id) or ""
        if "." in source:
            ext = source.rsplit(".", 1)[-1].lower()[:200]
            found.add(("format", ext, ext))
        rows += [{"dataset_id": dataset_id, "facet": f, "key": k, "value": v} for f, k, v in sorted(found)]
    for start in range(0, len(rows), CHUNK):
        bind.execute(facets.insert(), rows[start:start + CHUNK])


def _count(bind: Any) -> None:
    """How many indexed documents hold each term (as `catalog.search.reindex` counts them), and how
    many documents there are (the empty term)."""
    counts: dict[str, int] = {"": 0}
    for title, body in bind.execute(sa.text("SELECT title, body FROM search_index")):
        counts[""] += 1
        for term in {t[:200] for t in f"{title or ''} {body or ''}".split()}:
            counts[term] = counts.get(term, 0) + 1
    terms = sa.table("search_terms", sa.column("term", sa.String), sa.column("docs", sa.Integer))
    rows = [{"t": term, "n": n} for term, n in sorted(counts.items()) if term]
    for start in range(0, len(rows), CHUNK):
        bind.execute(terms.update().where(terms.c.term == sa.bindparam("t")).values(docs=sa.bindparam("n")),
                     rows[start:start + CHUNK])
    bind.execute(terms.insert().values(term="", docs=counts[""]))


def downgrade() -> None:
    op.execute("DELETE FROM search_terms WHERE term = ''")
    with op.batch_alter_table("search_terms") as batch:
        batch.drop_column("docs")
    op.drop_index("ix_datasets_updated_at", "datasets")
    op.drop_table("dataset_facets")
