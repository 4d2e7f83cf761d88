// Package deliver publishes a finished extract folder to Azure Blob Storage
// and fetches one back (for deid verify of a delivered extract).
//
// A destination is azblob://container/prefix. The connection string comes
// from the environment (AZURE_STORAGE_CONNECTION_STRING) or an option,
// never from the command line, and never appears in an error or log line.
//
// Invariants:
//   - Atomic from the partner's view: manifest.json is what marks an extract
//     complete. Publish first deletes any manifest.json under the prefix,
//     then uploads every other file, then deletes blobs under the prefix that
//     are not part of this extract, and uploads manifest.json only after all
//     of that succeeded. An interrupted or failed run therefore leaves no
//     manifest, and a re-run over a partial or older upload replaces it
//     cleanly.
//   - Only what the manifest lists is published: a local file the manifest
//     does not list (a stray plaintext copy, a temporary file) stops the run
//     before anything is uploaded.
//   - Publish never touches a blob outside "<prefix>/"; an empty prefix is
//     refused, so a container is never swept whole.
//   - Download writes only paths the manifest lists, each checked to stay
//     inside the target folder, and fails if the manifest changed while the
//     files were being fetched.
//
// Measured alternative: xitongsys/parquet-go-source (the design card's
// storage layer) has no tagged release (latest pseudo-version 2024-10-21),
// pulls GCS, S3 v1+v2, HDFS, MinIO, Swift and gocloud into the module graph,
// and exists to give xitongsys/parquet-go a seekable file; deid writes whole
// files locally and uploads them finished, so the maintained Azure SDK
// (azblob) is used directly.
package deliver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
)

// ManifestName is the file whose presence marks an extract complete.
const ManifestName = "manifest.json"

// ConnectionStringEnv names the environment variable holding the Azure
// Storage connection string.
const ConnectionStringEnv = "AZURE_STORAGE_CONNECTION_STRING"

// Scheme is the destination scheme for Azure Blob Storage.
const Scheme = "azblob"

// maxManifestBytes bounds the manifest read into memory on Download.
const maxManifestBytes = 64 << 20

// Dest is a parsed azblob://container/prefix destination.
type Dest struct {
	Container string
	Prefix    string // no leading or trailing slash, never empty
}

func (d Dest) String() string { return Scheme + "://" + d.Container + "/" + d.Prefix }

// blobName is the blob holding the extract file at relative path rel.
func (d Dest) blobName(rel string) string { return d.Prefix + "/" + rel }

// IsRemote reports whether out names a remote destination rather than a
// local folder.
func IsRemote(out string) bool { return strings.HasPrefix(out, Scheme+"://") }

var containerName = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$`)

// ParseDest parses azblob://container/prefix. The container follows Azure's
// naming rules; the prefix is one or more clean path segments.
func ParseDest(s string) (Dest, error) {
	rest, ok := strings.CutPrefix(s, Scheme+"://")
	if !ok {
		return Dest{}, fmt.Errorf("destination %q: want %s://container/prefix", s, Scheme)
	}
	c, prefix, _ := strings.Cut(rest, "/")
	if !containerName.MatchString(c) {
		return Dest{}, fmt.Errorf("destination %q: container name must be 3-63 lowercase letters, digits or single hyphens", s)
	}
	prefix = strings.Trim(prefix, "/")
	if prefix == "" {
		return Dest{}, fmt.Errorf("destination %q: a prefix is required (azblob://%s/<prefix>), so that publishing never replaces a whole container", s, c)
	}
	if strings.ContainsAny(prefix, `\?#`) || path.Clean(prefix) != prefix || !fs.ValidPath(prefix) {
		return Dest{}, fmt.Errorf("destination %q: prefix must be a clean relative path", s)
	}
	return Dest{Container: c, Prefix: prefix}, nil
}

// Option adjusts Publish and Download.
type Option func(*config)

type config struct {
	connString string
	hook       func(rel string)
	parallel   int
}

// WithConnectionString supplies the connection string instead of
// AZURE_STORAGE_CONNECTION_STRING.
func WithConnectionString(s string) Option { return func(c *config) { c.connString = s } }

// WithUploadHook calls fn with each file's relative path once its upload has
// completed (manifest.json last). fn may be called from several goroutines.
func WithUploadHook(fn func(rel string)) Option { return func(c *config) { c.hook = fn } }

// WithParallelism sets how many files are transferred at once (default 4).
func WithParallelism(n int) Option { return func(c *config) { c.parallel = max(1, n) } }

func newClient(opts []Option) (*azblob.Client, *config, error) {
	cfg := &config{parallel: 4}
	for _, o := range opts {
		o(cfg)
	}
	if cfg.connString == "" {
		cfg.connString = os.Getenv(ConnectionStringEnv)
	}
	if cfg.connString == "" {
		return nil, nil, fmt.Errorf("azure: %s is not set", ConnectionStringEnv)
	}
	client, err := azblob.NewClientFromConnectionString(cfg.connString, nil)
	if err != nil {
		// The SDK's parse errors may quote the string; say only where it
		// came from.
		return nil, nil, errors.New("azure: the connection string could not be parsed")
	}
	return client, cfg, nil
}

// azError keeps an SDK error's chain (for bloberror.HasCode) but prints one
// line with the operation, status and error code: the SDK's own text spans
// many lines and includes the service's response body.
type azError struct {
	op  string
	err error
}

func (e *azError) Error() string {
	var re *azcore.ResponseError
	if errors.As(e.err, &re) {
		return fmt.Sprintf("azure: %s: HTTP %d %s", e.op, re.StatusCode, re.ErrorCode)
	}
	for _, c := range []error{context.Canceled, context.DeadlineExceeded} {
		if errors.Is(e.err, c) {
			return fmt.Sprintf("azure: %s: %v", e.op, c)
		}
	}
	return fmt.Sprintf("azure: %s: %v", e.op, e.err)
}

func (e *azError) Unwrap() error { return e.err }

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return &azError{op: op, err: err}
}

// extractFiles returns the relative paths (slash-separated, sorted) of every
// file the manifest in dir lists, having checked that the folder holds
// exactly those files plus the manifest.
func extractFiles(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("%s is not a finished extract: %w", dir, err)
	}
	listed, err := manifestPaths(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestName), err)
	}
	want := make(map[string]bool, len(listed))
	for _, p := range listed {
		want[p] = true
	}
	var present []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == ManifestName {
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: %s is not a regular file; refusing to publish", dir, rel)
		}
		if !want[rel] {
			return fmt.Errorf("%s: %s is not listed in %s; refusing to publish it", dir, rel, ManifestName)
		}
		present = append(present, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(present) != len(want) {
		for _, p := range listed {
			if !slices.Contains(present, p) {
				return nil, fmt.Errorf("%s: %s lists %s, which is missing", dir, ManifestName, p)
			}
		}
	}
	sort.Strings(present)
	return present, nil
}

// manifestPaths reads the "files[].path" entries of a manifest, ignoring
// every other key, and rejects any path that could escape the extract.
func manifestPaths(b []byte) ([]string, error) {
	var m struct {
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("manifest is not valid JSON: %w", err)
	}
	seen := make(map[string]bool, len(m.Files))
	out := make([]string, 0, len(m.Files))
	for i, f := range m.Files {
		p := f.Path
		if p == "" || p == ManifestName || !fs.ValidPath(p) || strings.ContainsAny(p, `\`) || !filepath.IsLocal(filepath.FromSlash(p)) {
			return nil, fmt.Errorf("manifest files[%d].path is not a clean relative path inside the extract", i)
		}
		if seen[p] {
			return nil, fmt.Errorf("manifest files[%d].path is listed twice", i)
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

// Publish uploads the finished extract in localDir to dest
// (azblob://container/prefix), manifest.json last; see the package comment
// for the ordering that keeps a partial upload from looking complete. The
// container must exist.
func Publish(ctx context.Context, localDir, dest string, opts ...Option) error {
	d, err := ParseDest(dest)
	if err != nil {
		return err
	}
	files, err := extractFiles(localDir)
	if err != nil {
		return err
	}
	client, cfg, err := newClient(opts)
	if err != nil {
		return err
	}
	manifest := d.blobName(ManifestName)

	// 1. Withdraw any previous manifest before touching anything else, so
	// the prefix stops looking complete for the whole run.
	if _, err := client.DeleteBlob(ctx, d.Container, manifest, nil); err != nil && !bloberror.HasCode(err, bloberror.BlobNotFound) {
		return wrap("deleting previous "+manifest, err)
	}

	// 2. Every other file, several at a time.
	err = forEach(ctx, files, cfg.parallel, func(ctx context.Context, rel string) error {
		if err := upload(ctx, client, d, localDir, rel); err != nil {
			return err
		}
		if cfg.hook != nil {
			cfg.hook(rel)
		}
		return nil
	})
	if err != nil {
		return err
	}

	// 3. Blobs under the prefix from an older or different extract.
	stale, err := list(ctx, client, d)
	if err != nil {
		return err
	}
	keep := make(map[string]bool, len(files)+1)
	for _, rel := range files {
		keep[d.blobName(rel)] = true
	}
	keep[manifest] = true
	for _, name := range stale {
		if keep[name] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := client.DeleteBlob(ctx, d.Container, name, &blob.DeleteOptions{DeleteSnapshots: to.Ptr(blob.DeleteSnapshotsOptionTypeInclude)})
		if err != nil && !bloberror.HasCode(err, bloberror.BlobNotFound) {
			return wrap("deleting stale blob "+name, err)
		}
	}

	// 4. The manifest, only now that everything it lists is in place.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := upload(ctx, client, d, localDir, ManifestName); err != nil {
		return err
	}
	if cfg.hook != nil {
		cfg.hook(ManifestName)
	}
	return nil
}

func upload(ctx context.Context, client *azblob.Client, d Dest, localDir, rel string) error {
	f, err := os.Open(filepath.Join(localDir, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	defer f.Close()
	ct := contentType(rel)
	_, err = client.UploadFile(ctx, d.Container, d.blobName(rel), f, &azblob.UploadFileOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: &ct},
		Concurrency: 4,
	})
	return wrap("uploading "+d.blobName(rel), err)
}

func contentType(rel string) string {
	switch path.Ext(rel) {
	case ".parquet":
		return "application/vnd.apache.parquet"
	case ".json":
		return "application/json"
	case ".md":
		return "text/markdown; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(rel)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// list returns every blob name under "<prefix>/", sorted.
func list(ctx context.Context, client *azblob.Client, d Dest) ([]string, error) {
	var names []string
	pager := client.NewListBlobsFlatPager(d.Container, &container.ListBlobsFlatOptions{Prefix: to.Ptr(d.Prefix + "/")})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, wrap("listing "+d.String(), err)
		}
		for _, b := range page.Segment.BlobItems {
			if b.Name != nil {
				names = append(names, *b.Name)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}

// forEach runs fn over items with at most n in flight, stopping at the
// first error (which it returns) or when ctx ends.
func forEach(ctx context.Context, items []string, n int, fn func(context.Context, string) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan string)
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	fail := func(err error) {
		once.Do(func() { first = err; cancel(err) })
	}
	for range min(n, max(1, len(items))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				if err := fn(ctx, it); err != nil {
					fail(err)
				}
			}
		}()
	}
feed:
	for _, it := range items {
		select {
		case work <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// Download fetches the extract at src (azblob://container/prefix) into
// localDir, which must not exist or be empty. It fetches the manifest,
// then every file the manifest lists, then checks that the manifest did not
// change meanwhile, and writes manifest.json last. Blobs the manifest does
// not list are ignored. Checksums are verify's job, not this function's.
func Download(ctx context.Context, src, localDir string, opts ...Option) error {
	d, err := ParseDest(src)
	if err != nil {
		return err
	}
	client, cfg, err := newClient(opts)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(localDir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", localDir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(localDir, 0o750); err != nil {
		return err
	}
	manifest := d.blobName(ManifestName)
	resp, err := client.DownloadStream(ctx, d.Container, manifest, nil)
	if err != nil {
		if bloberror.HasCode(err, bloberror.BlobNotFound) {
			return fmt.Errorf("%s has no %s: the extract is incomplete or still uploading", d, ManifestName)
		}
		return wrap("downloading "+manifest, err)
	}
	mb, err := io.ReadAll(io.LimitReader(resp.Body, maxManifestBytes+1))
	resp.Body.Close()
	if err != nil {
		return wrap("downloading "+manifest, err)
	}
	if len(mb) > maxManifestBytes {
		return fmt.Errorf("%s: manifest larger than %d bytes", d, maxManifestBytes)
	}
	files, err := manifestPaths(mb)
	if err != nil {
		return fmt.Errorf("%s: %w", manifest, err)
	}
	err = forEach(ctx, files, cfg.parallel, func(ctx context.Context, rel string) error {
		return fetch(ctx, client, d, localDir, rel)
	})
	if err != nil {
		return err
	}
	props, err := client.ServiceClient().NewContainerClient(d.Container).NewBlobClient(manifest).GetProperties(ctx, nil)
	if err != nil {
		return wrap("re-reading "+manifest, err)
	}
	if resp.ETag == nil || props.ETag == nil || *resp.ETag != *props.ETag {
		return fmt.Errorf("%s changed while it was being downloaded; run again", d)
	}
	return writeFile(filepath.Join(localDir, ManifestName), bytes.NewReader(mb))
}

func fetch(ctx context.Context, client *azblob.Client, d Dest, localDir, rel string) error {
	dst := filepath.Join(localDir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	resp, err := client.DownloadStream(ctx, d.Container, d.blobName(rel), nil)
	if err != nil {
		if bloberror.HasCode(err, bloberror.BlobNotFound) {
			return fmt.Errorf("%s: manifest lists %s, which is missing", d, rel)
		}
		return wrap("downloading "+d.blobName(rel), err)
	}
	defer resp.Body.Close()
	return writeFile(dst, resp.Body)
}

// writeFile writes r to path through a temporary file and a rename, so a
// failed download never leaves a truncated file under the real name.
func writeFile(dst string, r io.Reader) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = io.Copy(tmp, r); err != nil {
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
