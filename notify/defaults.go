package notify

import (
	"embed"
	htmltemplate "html/template"
)

// files holds the default templates: templates/<kind>/{subject,text,html}.tmpl
// and the HTML layout every kind's HTML body is placed in.
//
//go:embed templates
var files embed.FS

// layout wraps each HTML body, which it calls as "content". It is only ever
// cloned, never executed, so every kind can add its own content.
var layout = htmltemplate.Must(htmltemplate.New("layout").Option(missingKey).Funcs(funcs).
	Parse(readFile("templates/layout.html")))

// defaultSources and defaultSets are each kind's default templates, as
// text and parsed. They are part of the binary and covered by the tests, so
// a failure to parse them panics at start-up like template.Must.
var (
	defaultSources = loadDefaults()
	defaultSets    = parseDefaults()
)

// Default returns kind's default templates, for the admin editor to start
// from; the zero Override for an unknown kind.
func Default(kind Kind) Override {
	return defaultSources[kind]
}

func loadDefaults() map[Kind]Override {
	sources := map[Kind]Override{}
	for _, kind := range Kinds() {
		dir := "templates/" + string(kind) + "/"
		sources[kind] = Override{
			Kind:    kind,
			Subject: readFile(dir + "subject.tmpl"),
			Text:    readFile(dir + "text.tmpl"),
			HTML:    readFile(dir + "html.tmpl"),
		}
	}
	return sources
}

func parseDefaults() map[Kind]*set {
	sets := map[Kind]*set{}
	for kind, o := range defaultSources {
		s, err := parseSet(o)
		if err != nil {
			panic("notify: default templates of " + string(kind) + ": " + err.Error())
		}
		sets[kind] = s
	}
	return sets
}

func readFile(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("notify: " + err.Error())
	}
	return string(b)
}
