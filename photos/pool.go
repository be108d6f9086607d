package photos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/mlegit/mlegit/pesel"
	"github.com/mlegit/mlegit/reject"
	"github.com/mlegit/mlegit/safefile"
	"github.com/mlegit/mlegit/student"
	"github.com/mlegit/mlegit/texts"
)

// Job is one photo to normalise.
type Job struct {
	Student student.Student // the student it belongs to (zero in NormalizeDir)
	Source  string          // path of the source file
	// Name is the output base name without ".jpg"; empty means the
	// student's PESEL.
	Name string
}

// Result is the outcome of one Job: either Path was written, or Code says
// why the photo was rejected.
type Result struct {
	Job
	Path   string      // output file written; empty when rejected
	Code   reject.Code // empty when written
	Detail string      // technical reason of a rejection (English, no PESEL)
	// Szczegoly is the same in Polish for the secretariat (no PESEL).
	Szczegoly string
	Info      Info
}

// Config is the photo stage's setting.
type Config struct {
	Dir     string   // output folder, e.g. OUT/photos
	Profile Profile  // rules the output must meet
	Workers int      // photos normalised at once; 0 means runtime.GOMAXPROCS(0)
	Options *Options // nil means the defaults
}

func (c Config) workers() int {
	if c.Workers > 0 {
		return c.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Process starts cfg.Workers workers on g that normalise the jobs from in
// and send one Result per job to out, which the last worker to stop closes.
// A photo that cannot be used travels in its Result; only a failure to
// write the output folder is returned through g, and it stops the stage.
// Every send and receive gives up when ctx is done. Each worker holds one
// photo at a time. g must allow cfg.Workers more goroutines.
func Process(ctx context.Context, g *errgroup.Group, cfg Config, in <-chan Job, out chan<- Result) {
	n := cfg.workers()
	var running atomic.Int32
	running.Store(int32(n))
	for range n {
		g.Go(func() error {
			defer func() {
				if running.Add(-1) == 0 {
					close(out)
				}
			}()
			for {
				var j Job
				select {
				case <-ctx.Done():
					return ctx.Err()
				case jj, ok := <-in:
					if !ok {
						return nil
					}
					j = jj
				}
				r, err := processOne(cfg, j)
				if err != nil {
					return err
				}
				select {
				case out <- r:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
		})
	}
}

// Feed sends jobs to in and closes it, giving up when ctx is done: the
// sending stage in front of Process.
func Feed(ctx context.Context, jobs []Job, in chan<- Job) error {
	defer close(in)
	for _, j := range jobs {
		select {
		case in <- j:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// processOne normalises one job and writes its output. The error is an
// output-folder failure; photo problems are in the Result.
func processOne(cfg Config, j Job) (Result, error) {
	r := Result{Job: j}
	name := j.Name
	if name == "" {
		name = string(j.Student.PESEL)
	}
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return r, fmt.Errorf("photo job for %s has no usable output name %q", filepath.Base(j.Source), pesel.Masked(name))
	}
	dst := filepath.Join(cfg.Dir, name+".jpg")
	log := slog.With("source", pesel.MaskIn(filepath.Base(j.Source)), "pesel", pesel.Masked(string(j.Student.PESEL)))

	data, err := readSource(j.Source, cfg.Options.maxFileBytes())
	var out []byte
	if err == nil {
		out, r.Info, err = normalizeSafely(data, cfg.Profile, cfg.Options)
		data = nil
	}
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			return r, err
		}
		r.Code, r.Detail = pe.Code, maskPESELs(pe.Err.Error())
		r.Szczegoly = maskPESELs(pe.Polish(filepath.Base(j.Source)))
		log.Debug("photo rejected", "code", r.Code, "detail", r.Detail)
		// A photo accepted by an earlier run must not stay behind.
		if rmErr := os.Remove(dst); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			return r, fmt.Errorf("removing stale photo %s: %w", filepath.Base(dst), rmErr)
		}
		return r, nil
	}
	if err := safefile.WriteFile(dst, out); err != nil {
		return r, fmt.Errorf("writing photo: %w", err)
	}
	r.Path = dst
	log.Debug("photo written", "width", r.Info.Width, "height", r.Info.Height,
		"quality", r.Info.Quality, "bytes", r.Info.Bytes, "denom", r.Info.Denom)
	return r, nil
}

// readSource reads a source photo, refusing files over limit before
// reading them. Problems with the source are *Error (the photo's fault).
func readSource(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("opening: %w", err), Variant: "open"}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("stat: %w", err), Variant: "open"}
	}
	if !readableMode(st.Mode()) {
		return nil, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("not a regular file"), Variant: "open"}
	}
	if st.Size() > limit {
		return nil, &Error{Code: reject.PhotoTooLarge, Err: fmt.Errorf("file of %d bytes exceeds %d", st.Size(), limit),
			Variant: "bytes", Args: texts.Args{"found_bytes": texts.Bytes(st.Size()), "limit_bytes": texts.Bytes(limit)}}
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("reading: %w", err)}
	}
	return data, nil
}

// normalizeSafely is Normalize with a panic turned into PHOTO_UNREADABLE:
// the decoders read untrusted bytes, and one hostile photo must not take
// down the school's run (or a district's).
func normalizeSafely(data []byte, p Profile, opt *Options) (out []byte, info Info, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, &Error{Code: reject.PhotoUnreadable, Err: fmt.Errorf("decoder failure: %v", v)}
		}
	}()
	return Normalize(data, p, opt)
}
