package notify

import (
	"fmt"
	"slices"
	"strings"
	"text/template/parse"

	"ezscale.cloud/platform"
)

// check parses src, one part ("subject", "text" or "html") of kind's
// templates, and refuses anything beyond printing kind's fields, {{if}} and
// allowedFuncs. Errors are EINVALID on the part, with the line at fault.
func check(kind Kind, part, src string) error {
	tree := parse.New(part)
	tree.Mode = parse.SkipFuncCheck // allowedFuncs is checked below, with a clearer message
	trees := map[string]*parse.Tree{}
	if _, err := tree.Parse(src, "", "", trees); err != nil {
		return templateError(part, err)
	}
	c := checker{kind: kind, part: part, src: src, fields: Fields(kind)}
	for _, other := range trees {
		if other != tree {
			return c.refuse(other.Root, "{{define}} and {{block}} are not allowed")
		}
	}
	return c.list(tree.Root)
}

// checker walks one parsed template, allowing only what is listed.
type checker struct {
	kind   Kind
	part   string
	src    string
	fields []Field
}

// refuse returns the EINVALID error for n, located by its line in src.
func (c checker) refuse(n parse.Node, format string, args ...any) error {
	line := 1 + strings.Count(c.src[:int(n.Position())], "\n")
	return platform.Invalid(c.part, "line %d: %s", line, fmt.Sprintf(format, args...))
}

func (c checker) list(l *parse.ListNode) error {
	if l == nil {
		return nil
	}
	for _, n := range l.Nodes {
		if err := c.node(n); err != nil {
			return err
		}
	}
	return nil
}

func (c checker) node(n parse.Node) error {
	switch n := n.(type) {
	case *parse.TextNode, *parse.CommentNode:
		return nil
	case *parse.ActionNode:
		return c.pipe(n.Pipe)
	case *parse.IfNode:
		if err := c.pipe(n.Pipe); err != nil {
			return err
		}
		if err := c.list(n.List); err != nil {
			return err
		}
		return c.list(n.ElseList)
	case *parse.TemplateNode:
		return c.refuse(n, "{{template}} and {{block}} are not allowed")
	case *parse.RangeNode:
		return c.refuse(n, "{{range}} is not allowed: every field is a single piece of text")
	case *parse.WithNode:
		return c.refuse(n, "{{with}} is not allowed: use {{if .Field}} instead")
	default:
		return c.refuse(n, "%s is not allowed", n)
	}
}

func (c checker) pipe(p *parse.PipeNode) error {
	if len(p.Decl) > 0 {
		return c.refuse(p, "variables are not allowed: use the fields directly")
	}
	for _, cmd := range p.Cmds {
		for _, arg := range cmd.Args {
			if err := c.arg(arg); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c checker) arg(n parse.Node) error {
	switch n := n.(type) {
	case *parse.StringNode, *parse.NumberNode, *parse.BoolNode:
		return nil
	case *parse.PipeNode:
		return c.pipe(n)
	case *parse.FieldNode:
		return c.field(n, n.Ident)
	case *parse.VariableNode:
		if len(n.Ident) == 2 && n.Ident[0] == "$" {
			return c.field(n, n.Ident[1:])
		}
		return c.refuse(n, "variables are not allowed: use the fields directly")
	case *parse.IdentifierNode:
		if !slices.Contains(allowedFuncs, n.Ident) {
			return c.refuse(n, "function %q is not allowed; the allowed functions are %s",
				n.Ident, strings.Join(allowedFuncs, ", "))
		}
		return nil
	case *parse.DotNode:
		return c.refuse(n, "{{.}} is not allowed: name a field, like {{.CustomerName}}")
	default:
		return c.refuse(n, "%s is not allowed", n)
	}
}

// field accepts a reference to one of the kind's fields; ident is the
// path after the dot (".A.B" is ["A", "B"]).
func (c checker) field(n parse.Node, ident []string) error {
	name := strings.Join(ident, ".")
	if len(ident) == 1 && slices.ContainsFunc(c.fields, func(f Field) bool { return f.Name == name }) {
		return nil
	}
	names := make([]string, len(c.fields))
	for i, f := range c.fields {
		names[i] = f.Name
	}
	return c.refuse(n, "unknown field .%s; %s emails have %s", name, c.kind, strings.Join(names, ", "))
}
