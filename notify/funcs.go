package notify

import (
	"maps"
	"slices"
	"strings"
)

// funcs are the functions templates may call besides allowedBuiltins. The
// set is small on purpose: data arrives formatted, so templates only need
// to show it, change its case or test it in an {{if}}.
var funcs = map[string]any{
	"upper": strings.ToUpper,
	"lower": strings.ToLower,
}

// allowedBuiltins are the template builtins that compare and combine values
// for {{if}}. The others (printf, index, slice, len, call, html, js,
// urlquery) are refused: they add nothing with string data, and some fail
// at run time or fight html/template's escaping.
var allowedBuiltins = []string{"and", "eq", "ne", "not", "or"}

// allowedFuncs lists, sorted, every function name a template may call.
var allowedFuncs = func() []string {
	names := slices.AppendSeq(slices.Clone(allowedBuiltins), maps.Keys(funcs))
	slices.Sort(names)
	return names
}()
