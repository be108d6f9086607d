package export

// TODO(formula): use formula.Neutralize / formula.Looks once package
// formula is committed; this copy only keeps the commit buildable.

func looksLikeFormula(s string) bool {
	return s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r')
}

func neutralize(s string) string {
	if looksLikeFormula(s) {
		return "'" + s
	}
	return s
}
