//go:build !unix

package stream

import "os"

// writeVectorAt writes bufs one after the other at off.
func writeVectorAt(f *os.File, bufs [][]byte, off int64) error {
	for _, b := range bufs {
		if _, err := f.WriteAt(b, off); err != nil {
			return err
		}
		off += int64(len(b))
	}
	return nil
}
