package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Raw is one message as read from a mailbox or a file.
type Raw struct {
	Data     []byte    // the whole message; nil when TooLarge
	Received time.Time // from the mailbox (IMAP INTERNALDATE, mbox "From " line); zero if unknown
	TooLarge bool      // over Limits.MaxMessageBytes: not read
	Where    string    // for logs: file (and message number)
}

// Import reads exported mail at path and calls fn with each message, one
// at a time: an mbox file (Thunderbird's folders, Google Takeout; mboxrd
// and mboxo ">From " quoting undone), a single message (.eml), or a folder
// of .eml files (its subfolders too, in name order), as Thunderbird and
// Outlook export them. A message over lim.MaxMessageBytes is passed as
// TooLarge without being held in memory.
func Import(ctx context.Context, path string, lim *Limits, fn func(Raw) error) error {
	l := lim.withDefaults()
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("reading mail: %w", err)
	}
	if !st.IsDir() {
		return importFile(ctx, path, l, fn)
	}
	var files []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".eml") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("listing mail folder: %w", err)
	}
	slices.Sort(files)
	for _, f := range files {
		if err := importFile(ctx, f, l, fn); err != nil {
			return err
		}
	}
	return nil
}

// importFile reads one file: an mbox when it starts with a "From " line,
// else one message.
func importFile(ctx context.Context, path string, l Limits, fn func(Raw) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading mail: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(5)
	if string(head) == "From " {
		return readMbox(ctx, br, path, l.MaxMessageBytes, fn)
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading mail: %w", err)
	}
	if st.Size() > l.MaxMessageBytes {
		return fn(Raw{TooLarge: true, Where: path, Received: st.ModTime()})
	}
	data, err := io.ReadAll(io.LimitReader(br, l.MaxMessageBytes+1))
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > l.MaxMessageBytes {
		return fn(Raw{TooLarge: true, Where: path})
	}
	return fn(Raw{Data: data, Where: path})
}

// asctime layouts of the date on an mbox "From " line.
var fromLineLayouts = []string{time.ANSIC, "Mon Jan 2 15:04:05 2006", "Mon Jan _2 15:04:05 -0700 2006"}

// readMbox splits an mbox into messages at "From " lines and undoes the
// ">From " quoting (mboxrd: one '>' removed from any ">*From " line; for
// mboxo files this is the same for the lines that matter). CRLF files are
// read as they are.
func readMbox(ctx context.Context, br *bufio.Reader, path string, max int64, fn func(Raw) error) error {
	var (
		msg      bytes.Buffer
		received time.Time
		tooLarge bool
		n        int
		started  bool
	)
	flush := func() error {
		if !started {
			return nil
		}
		n++
		where := fmt.Sprintf("%s #%d", path, n)
		if tooLarge {
			return fn(Raw{TooLarge: true, Received: received, Where: where})
		}
		// The line break before the next "From " line belongs to the mbox.
		data := bytes.TrimSuffix(bytes.TrimSuffix(msg.Bytes(), []byte("\n")), []byte("\r"))
		return fn(Raw{Data: bytes.Clone(data), Received: received, Where: where})
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, err := readLine(br, max)
		if len(line) > 0 {
			switch {
			case bytes.HasPrefix(line, []byte("From ")):
				if err := flush(); err != nil {
					return err
				}
				msg.Reset()
				started, tooLarge = true, false
				received = fromLineDate(line)
			case tooLarge:
			default:
				if q := bytes.TrimLeft(line, ">"); len(q) < len(line) && bytes.HasPrefix(q, []byte("From ")) {
					line = line[1:]
				}
				if int64(msg.Len()+len(line)) > max {
					tooLarge = true
					msg.Reset()
				} else {
					msg.Write(line)
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return flush()
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", path, err)
		}
	}
}

// readLine returns the next line with its line break; a line longer than
// max is cut to max bytes (the message it belongs to is too large anyway).
func readLine(br *bufio.Reader, max int64) ([]byte, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if int64(len(line)) <= max {
			line = append(line, chunk...)
		}
		if err != bufio.ErrBufferFull {
			return line, err
		}
	}
}

// fromLineDate reads the date of "From sender Www Mmm dd hh:mm:ss yyyy".
func fromLineDate(line []byte) time.Time {
	f := strings.Fields(string(line))
	if len(f) < 3 {
		return time.Time{}
	}
	rest := strings.Join(f[2:], " ")
	for _, layout := range fromLineLayouts {
		if t, err := time.Parse(layout, rest); err == nil {
			return t
		}
	}
	return time.Time{}
}
