"""Collective intelligence: campaigns where many people label, mark spans, translate and validate
(`campaigns`, `spec`), the assignment of items with adaptive overlap and control items (`work`),
aggregation into gold data with crowd-kit, agreement and reliability (`aggregate`), publishing
(`results`), and the community's reports with their moderation (`moderation`). See docs/collective.md.
"""
