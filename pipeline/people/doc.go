// Package people resolves participant lists into people: names normalised
// and merged (with the merge rules a project can edit), organisations
// classified by type, cities matched to places, and participation counted
// per meeting (lists, people, organisation types, response rates).
//
// It may import input, form and tally.
package people
