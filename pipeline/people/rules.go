package people

import (
	"github.com/synthese-project/synthese/pipeline/form"
	"io"
)

// ParticipantRules reads the rule files named in the manifest (nil for
// those it does not name).
func ParticipantRules(p *form.Project) (*OrgTypes, *Cities, *MergeRules, error) {
	r := p.Manifest.ParticipantRules
	var orgs *OrgTypes
	var cities *Cities
	var merges *MergeRules
	read := func(name string, fn func(string, io.Reader) error) error {
		if name == "" {
			return nil
		}
		f, err := form.Open(p.FS, name)
		if err != nil {
			return err
		}
		defer f.Close()
		return fn(name, f)
	}
	if err := read(r.OrgTypes, func(n string, f io.Reader) (err error) { orgs, err = ReadOrgTypes(n, f); return }); err != nil {
		return nil, nil, nil, err
	}
	if err := read(r.Cities, func(n string, f io.Reader) (err error) { cities, err = ReadCities(n, f); return }); err != nil {
		return nil, nil, nil, err
	}
	if err := read(r.Merges, func(n string, f io.Reader) (err error) { merges, err = ReadMergeRules(n, f); return }); err != nil {
		return nil, nil, nil, err
	}
	return orgs, cities, merges, nil
}
