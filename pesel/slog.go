package pesel

import (
	"context"
	"fmt"
	"log/slog"
)

// NewMaskingHandler wraps h so that no full PESEL leaves in a log line:
// the message and every attribute value (strings, errors, anything
// printed, numbers of eleven digits, inside groups too) pass through
// MaskIn before h sees them. The program's loggers are built on it, so a
// path such as photos/<PESEL>.jpg inside a wrapped error is masked however
// deep it sits.
func NewMaskingHandler(h slog.Handler) slog.Handler { return maskingHandler{h} }

type maskingHandler struct{ h slog.Handler }

func (m maskingHandler) Enabled(ctx context.Context, l slog.Level) bool { return m.h.Enabled(ctx, l) }

func (m maskingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, MaskIn(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return m.h.Handle(ctx, out)
}

func (m maskingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return maskingHandler{m.h.WithAttrs(masked)}
}

func (m maskingHandler) WithGroup(name string) slog.Handler {
	return maskingHandler{m.h.WithGroup(name)}
}

func maskAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, MaskIn(v.String()))
	case slog.KindInt64, slog.KindUint64:
		if s := v.String(); MaskIn(s) != s {
			return slog.String(a.Key, MaskIn(s))
		}
		return slog.Attr{Key: a.Key, Value: v}
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i, x := range g {
			out[i] = maskAttr(x)
		}
		return slog.Group(a.Key, out...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, MaskIn(x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, MaskIn(x.String()))
		case nil:
			return slog.Attr{Key: a.Key, Value: v}
		default:
			return slog.String(a.Key, MaskIn(fmt.Sprint(x)))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
