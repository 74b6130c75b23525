"""Contacts (K1, K2): companies and persons, and the facts kept about them.

Use cases, by module:
- `cards`: add_contact, edit_contact, delete_contact, get, get_all (K1)
- `relations`: assign, unassign (groups, relations, responsibilities, web sources) (K2)
- `profiles`: answer_profile, remove_profile_answer (K2)
- `codes`: get_all (the code tables the fields take their values from)

`fields` converts and checks contact field values for the use cases.
"""
