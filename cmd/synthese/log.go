package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
)

// logger writes what the tool says on stderr: lines of text for people,
// or with --log-format json one JSON object per line for machines
// ({"level":"info","msg":"..."}; the last line of a failure has
// "level":"error" and "exit_code").
type logger struct {
	w    io.Writer
	json bool
	mu   sync.Mutex
}

func (l *logger) print(level, msg string) { l.emit(map[string]any{"level": level, "msg": msg}) }

func (l *logger) emit(rec map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.json {
		b, _ := json.Marshal(rec)
		fmt.Fprintf(l.w, "%s\n", b)
		return
	}
	fmt.Fprintln(l.w, rec["msg"])
}

// failed reports the error that ends the command, with its exit status.
func (l *logger) failed(err error, code int) {
	if l.json {
		l.emit(map[string]any{"level": "error", "msg": err.Error(), "exit_code": code})
		return
	}
	l.emit(map[string]any{"msg": "synthese: " + err.Error()})
}

// logFormatOf finds --log-format in the arguments (it must be known before
// the command runs, to report its errors in that format).
func logFormatOf(args []string) (string, error) {
	format := "text"
	for i, a := range args {
		v, ok := strings.CutPrefix(a, "--log-format=")
		if !ok && a == "--log-format" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if ok {
			format = v
		}
		if a == "--" {
			break
		}
	}
	if format != "text" && format != "json" {
		return "text", usageError{fmt.Sprintf("--log-format %q: expected text or json", format)}
	}
	return format, nil
}
