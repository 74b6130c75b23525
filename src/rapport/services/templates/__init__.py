"""Interaction templates and their language variants (L1).

Use cases: `cards.get`, `cards.get_all`, `cards.attach` (a variant's e-mail body or Word
template, its merge fields checked).
"""
