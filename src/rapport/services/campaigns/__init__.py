"""Campaigns (C1–C3).

Use cases: `cards.create_campaign`, `cards.get`, `cards.get_all`, `cards.get_entries`,
`cards.create_status`, `cards.get_statuses` (C1, C2); `targets.activate`,
`targets.deactivate`, `targets.get_target_groups` (C3).
"""
