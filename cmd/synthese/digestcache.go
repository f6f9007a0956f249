package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/synthese-project/synthese/pipeline/provenance"
)

// digestCache remembers the SHA-256 of input files by their size and
// modification time (as git's index does), in the output folder, so that
// a run on an unchanged 800 MB export does not read it twice. A file
// modified less than two seconds before it was hashed is hashed again
// next time (it may have changed within the same tick). CI's fresh clones
// have no cache: they hash everything.
type digestCache struct {
	path    string
	mu      sync.Mutex
	Entries map[string]digestCacheEntry `json:"entries"`
	dirty   bool
}

type digestCacheEntry struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	Hashed  int64  `json:"hashed_ns"`
	SHA256  string `json:"sha256"`
}

func openDigestCache(outDir string) *digestCache {
	c := &digestCache{path: filepath.Join(outDir, ".cache", "digests.json"), Entries: map[string]digestCacheEntry{}}
	if b, err := os.ReadFile(c.path); err == nil {
		json.Unmarshal(b, c)
		if c.Entries == nil {
			c.Entries = map[string]digestCacheEntry{}
		}
	}
	return c
}

// lookup returns the digest of dir/path if the cache holds it for the
// file as it is now.
func (c *digestCache) lookup(dir, path string) (provenance.FileDigest, bool) {
	abs, err := filepath.Abs(filepath.Join(dir, filepath.FromSlash(path)))
	if err != nil {
		return provenance.FileDigest{}, false
	}
	st, err := os.Stat(abs)
	if err != nil {
		return provenance.FileDigest{}, false
	}
	c.mu.Lock()
	e, ok := c.Entries[abs]
	c.mu.Unlock()
	if !ok || e.Size != st.Size() || e.ModTime != st.ModTime().UnixNano() || e.Hashed-e.ModTime < int64(2*time.Second) {
		return provenance.FileDigest{}, false
	}
	return provenance.FileDigest{Path: path, SHA256: e.SHA256, Bytes: e.Size}, true
}

// remember records digests of files of dir hashed just now.
func (c *digestCache) remember(dir string, digests []provenance.FileDigest, hashedAt time.Time) {
	for _, d := range digests {
		abs, err := filepath.Abs(filepath.Join(dir, filepath.FromSlash(d.Path)))
		if err != nil {
			continue
		}
		st, err := os.Stat(abs)
		if err != nil || st.Size() != d.Bytes {
			continue
		}
		e := digestCacheEntry{Size: d.Bytes, ModTime: st.ModTime().UnixNano(), Hashed: hashedAt.UnixNano(), SHA256: d.SHA256}
		c.mu.Lock()
		if old, ok := c.Entries[abs]; !ok || old != e {
			c.Entries[abs], c.dirty = e, true
		}
		c.mu.Unlock()
	}
}

// save writes the cache if it changed.
func (c *digestCache) save() error {
	if !c.dirty {
		return nil
	}
	// The cache stays in the output folder: not through a link (out/.cache
	// made a link to the project folder would write over its files).
	if st, err := os.Lstat(filepath.Dir(c.path)); err == nil && !st.IsDir() {
		return nil
	}
	return writeFile(c.path, func(b *bytes.Buffer) error { return json.NewEncoder(b).Encode(c) })
}
