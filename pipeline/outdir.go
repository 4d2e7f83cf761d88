package pipeline

// Where an extract is written, and what deid may delete.
//
// An extract replaces two folders: the extract (<out>/<id>) and its
// internal folder (--internal, default <out>/<id>.internal). Each is built
// in a staging folder beside it (.<name>.partial, private: 0700) and swapped
// in only when the run succeeded, the internal folder first and the extract
// last, the previous one moved aside (.<name>.old) and then removed. So a
// run that fails, or is killed, leaves the previous extract and its
// internal folder exactly as they were.
//
// Invariants:
//   - deid deletes or replaces only a folder holding its marker file (a
//     regular file, not a symlink, with the fixed text of that kind of
//     folder), written when deid created it. Anything else at one of its
//     paths (a user's folder, a file, a symlink) stops the run before any
//     data is read.
//   - Names that become folder names (the profile name, --id) are slugs:
//     they cannot climb out of --out or name another extract's folders.
//   - No folder deid writes is, contains or lies inside --in, however the
//     paths are spelled (symlinks are resolved); the internal folder is not
//     --out nor above it, and does not overlap the extract.
//   - One run at a time per --out (and per internal folder's parent): an
//     flock on a lock file, held until the process ends.
//   - Files are created new (O_EXCL) without following symlinks.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrUsage marks errors in how an extract was asked for (names, paths),
// found before any data is read: the command exits 2 on them.
var ErrUsage = errors.New("bad usage")

// usageError is an error that errors.Is finds to be ErrUsage, without
// ErrUsage's text in its message.
type usageError struct{ error }

func (usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// maxNameLen bounds a profile name or extract id: it names folders, and
// file systems limit a name to 255 bytes.
const maxNameLen = 64

// CheckName reports why s cannot name an extract folder, or nil. The
// reason never repeats s: a hostile name is not echoed.
func CheckName(s string) error {
	if s == "" {
		return errors.New("missing")
	}
	if len(s) > maxNameLen {
		return fmt.Errorf("longer than %d characters", maxNameLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return errors.New("only ASCII letters, digits, '-' and '_' are allowed (it names the extract folder)")
		}
	}
	return nil
}

// markerName is the marker file of every folder deid creates.
const markerName = ".deid-extract"

// Marker texts, one per kind of folder, so that an extract folder is never
// taken for an internal folder or the other way round.
const (
	markerExtract  = "deid extract folder: written by deid extract, replaced by its next run of this extract\n"
	markerInternal = "deid internal folder: written by deid extract, replaced by its next run of this extract\n"
)

// lockName is the lock file in --out.
const lockName = ".deid.lock"

// slot is one folder an extract replaces: where it goes, where it is built
// and where the previous one waits to be removed.
type slot struct {
	path, stage, old string
	marker           string
	what             string // for errors: "extract folder", "internal folder"
	staged           bool   // this run created stage
}

func newSlot(path, marker, what string) slot {
	dir, base := filepath.Split(path)
	return slot{path: path, stage: filepath.Join(dir, "."+base+".partial"), old: filepath.Join(dir, "."+base+".old"), marker: marker, what: what}
}

// outputDirs are the folders of one run, checked, locked and staged.
type outputDirs struct {
	extract, internal slot
	locks             []*os.File
}

// openOutput checks the run's paths, takes the locks and creates the
// staging folders. Nothing is read from in before it returns.
func openOutput(in, out, id, internal string) (_ *outputDirs, err error) {
	if err := CheckName(id); err != nil {
		return nil, usagef("extract id: %v", err)
	}
	if b := filepath.Base(filepath.Clean(internal)); b == string(filepath.Separator) || b == "." || b == ".." {
		return nil, usagef("--internal %s: not a folder deid can create", internal)
	}
	d := &outputDirs{
		extract:  newSlot(filepath.Join(out, id), markerExtract, "extract folder"),
		internal: newSlot(filepath.Clean(internal), markerInternal, "internal folder"),
	}
	if err := d.checkOverlaps(in, out); err != nil {
		return nil, err
	}
	// A first look before anything is created, so that a refused run
	// leaves no trace; prepare looks again under the lock.
	for _, s := range []slot{d.internal, d.extract} {
		if _, err := s.check(); err != nil {
			return nil, err
		}
	}
	defer func() {
		if err != nil {
			d.abort()
		}
	}()
	if err := os.MkdirAll(out, 0o750); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if err := d.lock(out, lockName, "output "+out); err != nil {
		return nil, err
	}
	iparent := filepath.Dir(d.internal.path)
	if err := os.MkdirAll(iparent, 0o750); err != nil {
		return nil, fmt.Errorf("internal folder: %w", err)
	}
	ro, _ := realPath(out)
	if rp, _ := realPath(iparent); rp != ro {
		if err := d.lock(iparent, "."+filepath.Base(d.internal.path)+".lock", "internal folder "+d.internal.path); err != nil {
			return nil, err
		}
	}
	for _, s := range []*slot{&d.internal, &d.extract} {
		if err := s.prepare(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// checkOverlaps refuses paths where the run would write into, or replace a
// folder holding, its own input, or where the internal folder would take
// --out or the extract with it.
func (d *outputDirs) checkOverlaps(in, out string) error {
	rin, err := filepath.EvalSymlinks(in)
	if err != nil {
		return fmt.Errorf("input %s: not a readable directory", in)
	}
	if rin, err = filepath.Abs(rin); err != nil {
		return fmt.Errorf("input %s: %w", in, err)
	}
	rout, err := realPath(out)
	if err != nil {
		return fmt.Errorf("output %s: %w", out, err)
	}
	rint, err := realPath(d.internal.path)
	if err != nil {
		return fmt.Errorf("internal folder %s: %w", d.internal.path, err)
	}
	// Each slot's folder, staging folder and old folder, resolved.
	family := func(real string, sl slot) []string {
		dir := filepath.Dir(real)
		return []string{real, filepath.Join(dir, filepath.Base(sl.stage)), filepath.Join(dir, filepath.Base(sl.old))}
	}
	ext := family(filepath.Join(rout, filepath.Base(d.extract.path)), d.extract)
	internal := family(rint, d.internal)
	for _, f := range []struct {
		sl    slot
		paths []string
	}{{d.extract, ext}, {d.internal, internal}} {
		for _, p := range f.paths {
			if overlap(p, rin) {
				return usagef("the %s %s and --in %s overlap: deid never writes into, or replaces a folder holding, the snapshot it reads",
					f.sl.what, f.sl.path, in)
			}
		}
	}
	for _, p := range internal {
		if p == rout || within(rout, p) {
			return usagef("--internal %s is --out or a folder above it: it would be replaced with everything in it", d.internal.path)
		}
		for _, q := range ext {
			if overlap(p, q) {
				return usagef("--internal %s and the extract folder %s overlap", d.internal.path, d.extract.path)
			}
		}
	}
	return nil
}

// realPath is p made absolute with every symlink of its existing part
// resolved; the part that does not exist yet is appended as written.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rest := ""
	for cur := abs; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest), nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// within reports whether p lies strictly inside dir (both clean, absolute).
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// overlap reports whether a and b are one folder or one holds the other.
func overlap(a, b string) bool { return a == b || within(a, b) || within(b, a) }

// lock takes an exclusive, non-blocking flock on dir/name; held until
// close or the process ends (a kill releases it).
func (d *outputDirs) lock(dir, name, what string) error {
	p := filepath.Join(dir, name)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|oNoFollow, 0o600)
	if err != nil {
		return fmt.Errorf("%s: lock file %s: %w", what, p, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return fmt.Errorf("%s: lock file %s is not a regular file", what, p)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("%s: lock file %s: %w", what, p, err)
	}
	if !held {
		f.Close()
		return fmt.Errorf("%s is in use by another deid run (lock file %s); wait for it to finish", what, p)
	}
	d.locks = append(d.locks, f)
	return nil
}

// close releases the locks. The lock files stay: removing one would let a
// waiting run and a new one each lock a different file.
func (d *outputDirs) close() {
	for _, f := range d.locks {
		_ = f.Close()
	}
	d.locks = nil
}

// owned reports whether deid made the folder at p: absent is (false, nil);
// a folder with the right marker is (true, nil); anything else is an error
// naming p.
func owned(p, marker, what string) (bool, error) {
	st, err := os.Lstat(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s %s: %w", what, p, err)
	}
	refuse := func(why string) error {
		return fmt.Errorf("%s %s %s; deid replaces only folders it created and marked (%s): move it away, or choose another --out, --id or --internal",
			what, p, why, markerName)
	}
	switch {
	case st.Mode()&os.ModeSymlink != 0:
		return false, refuse("is a symlink")
	case !st.IsDir():
		return false, refuse("exists and is not a folder")
	}
	mp := filepath.Join(p, markerName)
	if ms, err := os.Lstat(mp); err != nil || !ms.Mode().IsRegular() || ms.Size() != int64(len(marker)) {
		return false, refuse("exists and was not written by deid (no marker)")
	}
	f, err := os.OpenFile(mp, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		return false, refuse("exists and was not written by deid (no marker)")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(len(marker))+1))
	if err != nil || !bytes.Equal(b, []byte(marker)) {
		return false, refuse("exists and was not written by deid (no marker)")
	}
	return true, nil
}

// check reports an error unless the slot's folder, its staging folder and
// its old folder are each absent or deid's, and returns those of the last
// two that a killed run left.
func (s *slot) check() (stale []string, err error) {
	if _, err := owned(s.path, s.marker, s.what); err != nil {
		return nil, err
	}
	for _, p := range []string{s.stage, s.old} {
		mine, err := owned(p, s.marker, "staging folder of the "+s.what)
		if err != nil {
			return nil, err
		}
		if mine {
			stale = append(stale, p)
		}
	}
	return stale, nil
}

// prepare checks the slot (check), removes what a killed run left and
// creates a private, marked staging folder.
func (s *slot) prepare() error {
	stale, err := s.check()
	if err != nil {
		return err
	}
	for _, p := range stale {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("removing %s: %w", p, err)
		}
	}
	if err := os.Mkdir(s.stage, 0o700); err != nil {
		return fmt.Errorf("%s: %w", s.what, err)
	}
	s.staged = true
	f, err := createFile(filepath.Join(s.stage, markerName))
	if err == nil {
		_, err = f.WriteString(s.marker)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fmt.Errorf("%s: marker: %w", s.what, err)
	}
	return nil
}

// commit swaps the finished staging folder in: the previous folder (checked
// again: the run took time) is moved aside, the new one renamed into place,
// the old one removed. A kill between the renames leaves the folder absent,
// never half-written; the next run removes the old one.
func (s *slot) commit() error {
	if err := os.Chmod(s.stage, 0o750); err != nil {
		return fmt.Errorf("%s %s: %w", s.what, s.path, err)
	}
	prev, err := owned(s.path, s.marker, s.what)
	if err != nil {
		return err
	}
	if prev {
		if err := os.Rename(s.path, s.old); err != nil {
			return fmt.Errorf("%s %s: moving the previous one aside: %w", s.what, s.path, err)
		}
	}
	if err := os.Rename(s.stage, s.path); err != nil {
		return fmt.Errorf("%s %s: %w", s.what, s.path, err)
	}
	s.staged = false
	if prev {
		if err := os.RemoveAll(s.old); err != nil {
			return fmt.Errorf("%s %s: removing the previous one: %w", s.what, s.path, err)
		}
	}
	return nil
}

// commit swaps in the internal folder, then the extract: the extract, which
// a partner may take as soon as it appears, never goes out before its audit.
func (d *outputDirs) commit() error {
	if err := d.internal.commit(); err != nil {
		return err
	}
	return d.extract.commit()
}

// abort removes the staging folders this run created and releases the
// locks.
func (d *outputDirs) abort() {
	for _, s := range []*slot{&d.extract, &d.internal} {
		if s.staged {
			_ = os.RemoveAll(s.stage)
			s.staged = false
		}
	}
	d.close()
}

// createFile creates a new file for writing: it fails if anything, a
// symlink included, is already at path.
func createFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|oNoFollow, 0o640)
}
