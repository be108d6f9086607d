package mail

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mlegit/mlegit/state"
)

// benchSize reads an integer setting of the benchmark from the environment.
func benchSize(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// bigJPEG is a JPEG of about mb megabytes (noise compresses badly).
func bigJPEG(b *testing.B, mb int) []byte {
	b.Helper()
	w := 900
	for {
		img := image.NewRGBA(image.Rect(0, 0, w, w*4/3))
		seed := uint32(1)
		for i := range img.Pix {
			seed = seed*1664525 + 1013904223
			img.Pix[i] = uint8(seed >> 24)
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
		if buf.Len() >= mb<<20 || w > 4000 {
			return buf.Bytes()
		}
		w = w * 5 / 4
	}
}

// peakHeap samples the live heap until stop is closed and returns the
// largest value seen.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var peak atomic.Uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { wg.Wait(); return peak.Load() }
}

// BenchmarkFetchDovecot fetches MAIL_BENCH_MESSAGES messages (default 50)
// with a MAIL_BENCH_MB MB photo each (default 3) from a real Dovecot on
// loopback, over TLS, and takes every photo into the photos folder.
// Metrics: messages per second and the peak live heap while fetching.
// The figure: MAIL_BENCH_MESSAGES=1000 make bench.
func BenchmarkFetchDovecot(b *testing.B) {
	dv := startDovecot(b)
	c := dv.config(b)
	n, mb := benchSize("MAIL_BENCH_MESSAGES", 50), benchSize("MAIL_BENCH_MB", 3)
	photo := bigJPEG(b, mb)
	names := []string{"Jan Kowalski 2a", "Łucja Wiśniewska 2a", "Zofia Nowak 3b", "Zofia Nowak 4c", "Paweł Żółkiewski 1b"}
	cl, err := Dial(context.Background(), c)
	if err != nil {
		b.Fatal(err)
	}
	for i := range n {
		m := msg(fmt.Sprintf("bench%d@wp.pl", i), "rodzic@wp.pl", "zdjęcie", day, multipart("mixed", textPart("Dzień dobry"),
			attachment("image/jpeg", "attachment; filename=\""+names[i%len(names)]+".jpg\"", photo)))
		if err := cl.Append("INBOX", nil, day.Add(time.Duration(i)*time.Second), bytes.NewReader(m)); err != nil {
			b.Fatal(err)
		}
	}
	cl.Logout()
	runtime.GC()

	b.ResetTimer()
	var peak uint64
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		st, err := state.Open(filepath.Join(dir, "state"), "sp7")
		if err != nil {
			b.Fatal(err)
		}
		tk := &Taker{Students: roster(b), PhotoDir: filepath.Join(dir, "zdjecia"), OutDir: dir, Store: st,
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		runtime.GC()
		stop := make(chan struct{})
		wait := peakHeap(stop)
		b.StartTimer()
		var tally Tally
		if err := tk.FetchMailbox(context.Background(), c, &tally); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		close(stop)
		peak = max(peak, wait())
		st.Close()
		if tally.Messages != n || tally.Assigned != n {
			b.Fatalf("tally %+v, want %d assigned", tally, n)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(len(photo))/(1<<20), "photo-MB")
}
