package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// prepareHeap readies n bytes of heap backed by huge pages (2 MiB), when
// the kernel gives them on request (transparent_hugepage "madvise", the
// common default, or "always"): the heap is grown by n bytes it does not
// touch, the region is advised MADV_HUGEPAGE and handed back, and the
// allocations that follow reuse it lowest address first. On a virtual
// machine each new 4 KiB page is a fault of several microseconds, a
// large share of a short run's time (BENCHMARKS.md); in 2 MiB pages, a
// few dozen faults. Resident memory is rounded up to 2 MiB.
// SYNTHESE_HUGEPAGES=0 turns it off; so does a machine that does not
// promise memory it has not got (vm.overcommit_memory 2: the region would
// count against its commit limit) or that has less than four times n
// available: there the region is not worth the risk of running short.
func prepareHeap(n int) {
	if os.Getenv("SYNTHESE_HUGEPAGES") == "0" || !roomFor(4*n) {
		return
	}
	const huge = 2 << 20
	b := make([]byte, n) // fresh from the system: mapped, never written
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := (start+huge-1)&^(huge-1), (start+uintptr(n))&^(huge-1)
	if hi > lo {
		const madvHugepage = 14
		syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, madvHugepage)
	}
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
}

// roomFor reports whether the kernel overcommits memory (its default
// heuristic or always) and says at least n bytes are available.
func roomFor(n int) bool {
	mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory")
	if err != nil || strings.TrimSpace(string(mode)) == "2" {
		return false
	}
	kb, ok := procKB("/proc/meminfo", "MemAvailable:")
	return ok && kb<<10 >= n
}

// procKB reads the figure (in kB) of a "Key: n kB" line of a /proc file.
func procKB(path, key string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == key {
			kb, err := strconv.Atoi(f[1])
			return kb, err == nil
		}
	}
	return 0, false
}
