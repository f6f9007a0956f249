package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar draws a one-line bar on a terminal, once the work has taken
// a second: short runs, pipes and CI logs stay free of it.
type progressBar struct {
	w       io.Writer
	what    string
	start   time.Time
	last    time.Time
	drawn   bool
	enabled bool
	mu      sync.Mutex
}

// progressAfter is how long work runs before a bar appears.
const progressAfter = time.Second

func (e *env) newProgressBar(what string) *progressBar {
	return &progressBar{w: e.stderr, what: what, start: time.Now(), enabled: e.tty}
}

// progressBar starts a bar (stage.Env.Progress).
func (e *env) progressBar(what string) (update func(done, total int64), done func()) {
	b := e.newProgressBar(what)
	return b.update, b.done
}

// update is told the work done and its total (bytes).
func (b *progressBar) update(done, total int64) {
	if !b.enabled || total <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if now.Sub(b.start) < progressAfter || now.Sub(b.last) < 100*time.Millisecond {
		return
	}
	b.last, b.drawn = now, true
	frac := min(1, float64(done)/float64(total))
	const width = 30
	fill := int(frac * width)
	fmt.Fprintf(b.w, "\r%s [%s%s] %3.0f%%  %s / %s  %.1f s", b.what, strings.Repeat("#", fill), strings.Repeat(".", width-fill),
		100*frac, size(done), size(total), now.Sub(b.start).Seconds())
}

// done clears the bar.
func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}

// size formats a byte count.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	default:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
}
