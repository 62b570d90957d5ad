package notify

// Override is an admin's replacement for a kind's default templates. An
// empty part keeps the default, so an admin can reword just the subject.
type Override struct {
	Kind    Kind
	Subject string
	Text    string
	HTML    string
}

// Validate checks o as it is saved, so a mistake is shown to the admin who
// made it rather than found when a customer's email is due. Each part must
// parse, use only the kind's fields (see Fields), {{if}}/{{else}} and the
// allowed functions (upper, lower, eq, ne, and, or, not), and render both
// with the kind's example data and with every field empty. Errors are
// platform.Invalid naming the part ("subject", "text" or "html") and
// starting with the line at fault, or naming "kind" for an unknown kind.
func (o Override) Validate() error {
	_, err := o.compile()
	return err
}

// Preview renders o with its kind's example data, for the admin editor.
func (o Override) Preview() (Rendered, error) {
	s, err := o.compile()
	if err != nil {
		return Rendered{}, err
	}
	return s.render(Example(o.Kind))
}

// compile validates o and returns its parsed templates.
func (o Override) compile() (*set, error) {
	if err := checkKind(o.Kind); err != nil {
		return nil, err
	}
	s, err := parseSet(o.WithDefaults())
	if err != nil {
		return nil, err
	}
	for _, data := range []Data{Example(o.Kind), {}} {
		if _, err := s.render(data); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// WithDefaults fills o's empty parts from its kind's defaults: the
// templates that render, as an editor shows them.
func (o Override) WithDefaults() Override {
	d := defaultSources[o.Kind]
	if o.Subject == "" {
		o.Subject = d.Subject
	}
	if o.Text == "" {
		o.Text = d.Text
	}
	if o.HTML == "" {
		o.HTML = d.HTML
	}
	return o
}
