"""The Secretariat's review: queue, pages, decisions, carry-over, approval, non-publication, evidence."""
