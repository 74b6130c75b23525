"""Contacts (K1, K2): companies and persons, and the facts kept about them.

Use cases, by module:
- `cards`: add_contact, edit_contact, delete_contact, get, get_all (K1)
- `card`: get, the contact card read through Core without the ORM (K1, K2, X7)
- `relations`: assign, unassign (groups, relations, responsibilities, web sources) (K2)
- `profiles`: answer_profile, remove_profile_answer (K2)
- `consent`: opt_out, opt_in, get_consent, unsubscribe (the one-click link) (X7)
- `ratings`: update_ratings (automatic profile ratings) (K3)
- `duplicates`: find_duplicates (K5)
- `merge`: merge_contacts (a duplicate into the contact that stays) (K5)

`_fields` (private) converts and checks contact field values for the use cases;
`_relations` (private) holds the kinds of assignment and reads a contact's.
"""
