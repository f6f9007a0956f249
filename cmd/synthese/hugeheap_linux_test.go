package main

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// After prepareHeap, memory the program then fills is backed by huge
// pages (where the kernel gives them on request).
func TestPrepareHeapGivesHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || bytes.Contains(mode, []byte("[never]")) {
		t.Skip("no transparent huge pages here")
	}
	t.Setenv("SYNTHESE_HUGEPAGES", "")
	before := anonHuge(t)
	prepareHeap(64 << 20)
	b := make([]byte, 16<<20)
	for i := range b {
		b[i] = 1
	}
	if got := anonHuge(t) - before; got < 8<<20 {
		t.Fatalf("16 MiB filled after prepareHeap: %d bytes more in huge pages, want at least 8 MiB", got)
	}
	sink = b
}

var sink []byte

// anonHuge is the process's anonymous memory in huge pages, in bytes.
func anonHuge(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/smaps_rollup")
	if err != nil {
		t.Skip(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "AnonHugePages:" {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatal(l)
			}
			return kb << 10
		}
	}
	t.Skip("no AnonHugePages in smaps_rollup")
	return 0
}
