package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/mlegit/mlegit/report"
	"github.com/mlegit/mlegit/safefile"
)

// printOpenFiles tells the person at the terminal, in Polish as the
// secretariat reads it, which files another program held open and where
// their new versions went instead.
func printOpenFiles(w io.Writer, held []report.HeldFile) {
	for _, h := range held {
		fmt.Fprintf(w, "UWAGA: %s\n", h.Komunikat)
	}
}

// reportOpenFiles logs and prints the files another program held open
// while a command wrote them (slips, register).
func reportOpenFiles(w io.Writer, held []*safefile.HeldError) {
	var hs []report.HeldFile
	for _, he := range held {
		h, _ := report.HeldOpen(he)
		slog.Warn("file held open by another program; new version written beside it",
			"file", he.Path, "written_to", he.Beside)
		hs = append(hs, h)
	}
	printOpenFiles(w, hs)
}
