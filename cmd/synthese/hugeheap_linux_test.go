package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

// After prepareHeap, memory the program then fills is backed by huge
// pages (where the kernel gives them on request).
func TestPrepareHeapGivesHugePages(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || bytes.Contains(mode, []byte("[never]")) {
		t.Skip("no transparent huge pages here")
	}
	// In a process of its own: in this one, earlier tests have left free
	// heap that a new allocation may take instead of the readied region.
	if os.Getenv("SYNTHESE_TEST_HEAP_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPrepareHeapGivesHugePages$", "-test.v")
		cmd.Env = append(os.Environ(), "SYNTHESE_TEST_HEAP_CHILD=1", "SYNTHESE_HUGEPAGES=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if bytes.Contains(out, []byte("SKIP")) {
			t.Skipf("%s", out)
		}
		return
	}
	// Does this kernel give huge pages on request at all?
	probe, err := syscall.Mmap(-1, 0, 8<<20, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip(err)
	}
	before := anonHuge(t)
	syscall.Madvise(probe, 14) // MADV_HUGEPAGE
	for i := 0; i < len(probe); i += 4096 {
		probe[i] = 1
	}
	if anonHuge(t) == before {
		t.Skip("SKIP: the kernel gave no huge page to a region advised MADV_HUGEPAGE")
	}
	syscall.Munmap(probe)
	before = anonHuge(t)
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
	kb, ok := procKB("/proc/self/smaps_rollup", "AnonHugePages:")
	if !ok {
		t.Skip("no AnonHugePages in /proc/self/smaps_rollup")
	}
	return kb << 10
}

// roomFor reads the machine: this one overcommits and has memory to
// spare; nobody has a petabyte available.
func TestRoomFor(t *testing.T) {
	mode, _ := os.ReadFile("/proc/sys/vm/overcommit_memory")
	if strings.TrimSpace(string(mode)) == "2" {
		t.Skip("strict overcommit here")
	}
	if !roomFor(1 << 20) {
		t.Fatal("no room for 1 MiB")
	}
	if roomFor(1 << 50) {
		t.Fatal("room for a petabyte")
	}
}
