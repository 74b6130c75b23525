#!/usr/bin/env bash
# A guided tour of Rapport on the demo company: build, preview, undo, explain and log a segment.
# Usage: scripts/tour.sh RAPPORT_BINARY DATABASE_URL
set -euo pipefail
bin=${1:-rapport}
db=${2:-sqlite:///tour.db}
rapport() { "$bin" --db "$db" --user ADMIN "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n$ rapport %s\n' "$1" "${*:2}"; rapport "${@:2}"; }

step "Belgian and Dutch companies of the demo company" contacts list --limit 8 \
    --where "type = company and country in (BE, NL)"
seg=$(rapport segment create --description "Spring mailing" --template EMAIL)
printf '\n\033[1m== A new segment for an e-mail newsletter: %s\033[0m\n' "$seg"
where="industry_group in (RETAIL, WHOLESALE) and country in (BE, NL)"
step "Preview: who would be added (nothing changes)" segment add "$seg" --where "$where" \
    --expand-companies --preview
step "Add retail and wholesale companies in BE/NL with all their persons" segment add "$seg" \
    --where "$where" --expand-companies
step "Reduce: drop everyone in the NO_MAIL mailing group" segment reduce "$seg" \
    --where "mailing_group = NO_MAIL"
step "Refine: keep only purchasers, as whole companies" segment refine "$seg" \
    --where "job_responsibility = PURCHASE" --entire-companies
step "The criteria, in plain language" segment criteria "$seg"
step "Undo the refine: the lines come back exactly" segment undo "$seg"
first=$(rapport --json segment show "$seg" --limit 2 | sed -n 's/.*"contact_no": "\([^"]*\)".*/\1/p' | tail -1)
step "Why is $first on the segment?" segment explain "$seg" "$first"
step "The segment's first lines" segment show "$seg" --limit 8
step "Log it, with a follow-up segment of the same contacts" segment log "$seg" --follow-up
step "The logged segments" logged list
step "Interaction totals per template" interactions totals --by template
printf '\nDone. Explore further with: %s --db %s --help\n' "$bin" "$db"
