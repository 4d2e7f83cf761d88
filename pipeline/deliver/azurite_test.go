package deliver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/nhs-talking-therapies/deid/internal/azuritetest"
)

// The Azurite tests run the real SDK against Azurite (azuritetest.Start).

func startAzurite(t *testing.T) string { return azuritetest.Start(t) }

// blobs returns name -> content of every blob in the container.
func blobs(t *testing.T, client *azblob.Client, containerName string) map[string]string {
	t.Helper()
	out := map[string]string{}
	pager := client.NewListBlobsFlatPager(containerName, nil)
	for pager.More() {
		page, err := pager.NextPage(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range page.Segment.BlobItems {
			buf := make([]byte, *b.Properties.ContentLength)
			if _, err := client.DownloadBuffer(t.Context(), containerName, *b.Name, buf, nil); err != nil {
				t.Fatal(err)
			}
			out[*b.Name] = string(buf)
		}
	}
	return out
}

// expect returns the blobs an extract should produce under prefix.
func expect(t *testing.T, prefix, dir string, files map[string]string) map[string]string {
	t.Helper()
	want := map[string]string{}
	for rel, c := range files {
		want[prefix+"/"+rel] = c
	}
	m, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	want[prefix+"/"+ManifestName] = string(m)
	return want
}

func sameBlobs(t *testing.T, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("blob %s: got %d bytes, want %d", k, len(got[k]), len(v))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected blob %s", k)
		}
	}
}

type recorder struct {
	mu    sync.Mutex
	order []string
}

func (r *recorder) hook(rel string) {
	r.mu.Lock()
	r.order = append(r.order, rel)
	r.mu.Unlock()
}

func TestAzurite(t *testing.T) {
	conn := startAzurite(t)
	client, err := azblob.NewClientFromConnectionString(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	opt := WithConnectionString(conn)

	containers := 0
	newContainer := func(t *testing.T) string {
		containers++
		name := fmt.Sprintf("case-%d", containers)
		if _, err := client.CreateContainer(ctx, name, nil); err != nil {
			t.Fatal(err)
		}
		return name
	}

	extractA := map[string]string{
		"patients/part-00000.parquet":    "patients-a",
		"sessions/part-00000.parquet":    "sessions-a",
		"transcripts/part-00000.parquet": strings.Repeat("t", 3<<20), // several blocks
		"DATA_DICTIONARY.md":             "# dictionary a",
		"report.json":                    `{"a":1}`,
	}
	extractB := map[string]string{
		"patients/part-00000.parquet": "patients-b",
		"outcomes/part-00000.parquet": "outcomes-b",
		"DATA_DICTIONARY.md":          "# dictionary b",
		"report.json":                 `{"b":2}`,
	}

	t.Run("publish uploads the manifest last", func(t *testing.T) {
		c := newContainer(t)
		dir := writeExtract(t, extractA, nil)
		var rec recorder
		if err := Publish(ctx, dir, "azblob://"+c+"/ucl/x1", opt, WithUploadHook(rec.hook)); err != nil {
			t.Fatal(err)
		}
		if len(rec.order) != len(extractA)+1 || rec.order[len(rec.order)-1] != ManifestName {
			t.Fatalf("upload order %v: manifest must be last of %d", rec.order, len(extractA)+1)
		}
		sameBlobs(t, blobs(t, client, c), expect(t, "ucl/x1", dir, extractA))

		// The service's clock agrees: nothing was modified after the manifest.
		var manifestAt time.Time
		var others []time.Time
		pager := client.NewListBlobsFlatPager(c, &container.ListBlobsFlatOptions{Prefix: to.Ptr("ucl/x1/")})
		for pager.More() {
			page, err := pager.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range page.Segment.BlobItems {
				if strings.HasSuffix(*b.Name, "/"+ManifestName) {
					manifestAt = *b.Properties.LastModified
				} else {
					others = append(others, *b.Properties.LastModified)
				}
			}
		}
		for _, o := range others {
			if o.After(manifestAt) {
				t.Fatalf("a data blob (%v) is newer than the manifest (%v)", o, manifestAt)
			}
		}
	})

	t.Run("re-run replaces an older extract cleanly and leaves other prefixes alone", func(t *testing.T) {
		c := newContainer(t)
		neighbours := map[string]string{"ucl/x1b/keep.txt": "sibling prefix", "other/keep.txt": "other prefix"}
		for name, content := range neighbours {
			if _, err := client.UploadBuffer(ctx, c, name, []byte(content), nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := Publish(ctx, writeExtract(t, extractA, nil), "azblob://"+c+"/ucl/x1", opt); err != nil {
			t.Fatal(err)
		}
		dirB := writeExtract(t, extractB, nil)
		if err := Publish(ctx, dirB, "azblob://"+c+"/ucl/x1", opt); err != nil {
			t.Fatal(err)
		}
		want := expect(t, "ucl/x1", dirB, extractB)
		for k, v := range neighbours {
			want[k] = v
		}
		sameBlobs(t, blobs(t, client, c), want)
	})

	t.Run("an interrupted upload leaves no manifest, and a re-run completes it", func(t *testing.T) {
		c := newContainer(t)
		dest := "azblob://" + c + "/ucl/x1"
		if err := Publish(ctx, writeExtract(t, extractA, nil), dest, opt); err != nil {
			t.Fatal(err)
		}
		dirB := writeExtract(t, extractB, nil)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		n := 0
		err := Publish(cctx, dirB, dest, opt, WithParallelism(1), WithUploadHook(func(string) {
			if n++; n == 2 {
				cancel()
			}
		}))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted publish returned %v, want context.Canceled", err)
		}
		got := blobs(t, client, c)
		if _, ok := got["ucl/x1/"+ManifestName]; ok {
			t.Fatal("a manifest is present after an interrupted publish: the partial upload looks complete")
		}
		if err := Download(ctx, dest, t.TempDir(), opt); err == nil || !strings.Contains(err.Error(), "incomplete") {
			t.Fatalf("download of a partial upload: %v", err)
		}
		if err := Publish(ctx, dirB, dest, opt); err != nil {
			t.Fatal(err)
		}
		sameBlobs(t, blobs(t, client, c), expect(t, "ucl/x1", dirB, extractB))
	})

	t.Run("a refused extract uploads nothing", func(t *testing.T) {
		c := newContainer(t)
		dir := writeExtract(t, extractB, []string{"patients/part-00000.parquet", "report.json", "DATA_DICTIONARY.md"})
		err := Publish(ctx, dir, "azblob://"+c+"/ucl/x1", opt)
		if err == nil || !strings.Contains(err.Error(), "outcomes/part-00000.parquet is not listed") {
			t.Fatalf("err = %v", err)
		}
		if got := blobs(t, client, c); len(got) != 0 {
			t.Fatalf("refused publish uploaded %d blobs", len(got))
		}
	})

	t.Run("download fetches exactly the listed files", func(t *testing.T) {
		c := newContainer(t)
		dest := "azblob://" + c + "/ucl/x1"
		src := writeExtract(t, extractA, nil)
		if err := Publish(ctx, src, dest, opt); err != nil {
			t.Fatal(err)
		}
		// A stray blob the manifest does not list is not fetched.
		if _, err := client.UploadBuffer(ctx, c, "ucl/x1/stray.parquet", []byte("stray"), nil); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "fetched")
		if err := Download(ctx, dest, out, opt); err != nil {
			t.Fatal(err)
		}
		for rel, content := range extractA {
			b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(rel)))
			if err != nil || string(b) != content {
				t.Fatalf("%s: %d bytes, %v", rel, len(b), err)
			}
		}
		m1, _ := os.ReadFile(filepath.Join(src, ManifestName))
		m2, _ := os.ReadFile(filepath.Join(out, ManifestName))
		if string(m1) != string(m2) {
			t.Fatal("manifest differs")
		}
		if _, err := os.Stat(filepath.Join(out, "stray.parquet")); err == nil {
			t.Fatal("an unlisted blob was downloaded")
		}
		if err := Download(ctx, dest, out, opt); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("download into a non-empty folder: %v", err)
		}
	})

	t.Run("errors are one line and hold no account key", func(t *testing.T) {
		err := Publish(ctx, writeExtract(t, extractB, nil), "azblob://no-such-container/p", opt)
		if err == nil {
			t.Fatal("publish to a missing container succeeded")
		}
		msg := err.Error()
		if strings.Contains(msg, azuritetest.AccountKey[:12]) || strings.Contains(msg, "\n") {
			t.Fatalf("error %q", msg)
		}
		if !strings.Contains(msg, "ContainerNotFound") {
			t.Fatalf("error %q does not name the cause", msg)
		}
	})

}
