package pipeline

import (
	"fmt"

	"github.com/nhs-talking-therapies/deid/redact"
	"github.com/nhs-talking-therapies/deid/redact/ner"
)

// NewRedactor builds the redactor a profile asks for: its labels, country
// handling and, unless turned off, the embedded NER model.
func NewRedactor(p *Profile) (*redact.Redactor, error) {
	cfg := redact.Config{KeepCountries: p.Redaction.KeepCountries}
	for _, l := range p.Redaction.Labels {
		cfg.Labels = append(cfg.Labels, redact.Label(l))
	}
	if *p.Redaction.NER {
		m, err := ner.Default()
		if err != nil {
			return nil, fmt.Errorf("redactor: loading the NER model: %w", err)
		}
		cfg.NER = m
	}
	r, err := redact.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("redactor: %w", err)
	}
	return r, nil
}
