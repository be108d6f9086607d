package main

import (
	"io"
	"sync"

	"github.com/schollz/progressbar/v3"
)

// progressBar shows pipeline progress on a terminal, one bar per stage.
type progressBar struct {
	w   io.Writer
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

func newProgressBar(w io.Writer) *progressBar { return &progressBar{w: w} }

// Stage starts a new bar for the named stage.
func (p *progressBar) Stage(name string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.w),
		progressbar.OptionSetDescription(name),
		progressbar.OptionShowCount(),
		progressbar.OptionClearOnFinish(),
	)
}

// Done advances the current bar.
func (p *progressBar) Done(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil && n > 0 {
		p.bar.Add(n)
	}
}

func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
	}
}
