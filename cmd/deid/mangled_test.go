package main

// End-to-end test of redaction of the patient's own identifiers written
// oddly: a snapshot whose messages, transcripts and notes hold one patient's name,
// NHS number, phone, email and postcode hidden by entities, escapes,
// zero-width and combining characters, Unicode spaces, full-width digits,
// slashes and glued digits goes through `deid extract` with the university
// profile, and no form of any of them may survive in the decrypted output.

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nhs-talking-therapies/deid/pipeline/handover"
	"github.com/nhs-talking-therapies/deid/redact/textnorm"
	"github.com/parquet-go/parquet-go"
)

const plantedMark = "planted shape:"

// mangledShapes writes each identifier of p in the shapes found leaking.
func mangledShapes(given, family, nhs, phone, email, postcode string) []string {
	entity := func(s string) string { // second letter as a decimal reference
		return s[:1] + fmt.Sprintf("&#%d;", s[1]) + s[2:]
	}
	hexEntity := func(s string) string { return s[:1] + fmt.Sprintf("&#x%x;", s[1]) + s[2:] }
	pct := func(s string) string { // every other byte %-escaped
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if i%2 == 1 || s[i] == ' ' {
				fmt.Fprintf(&b, "%%%02X", s[i])
			} else {
				b.WriteByte(s[i])
			}
		}
		return b.String()
	}
	insert := func(s string, at int, x string) string { return s[:at] + x + s[at:] }
	fullWidth := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case r >= '0' && r <= '9', r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
				b.WriteRune(r + 0xfee0)
			case r == ' ':
				b.WriteRune('\u3000')
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	group := func(d string, sep string) string { return d[:3] + sep + d[3:6] + sep + d[6:] }
	ph := digitsOnly(phone)
	phoneSep := func(sep string) string { return ph[:5] + sep + ph[5:] }
	at := strings.IndexByte(email, '@')
	pc := strings.Fields(postcode)
	return []string{
		entity(given), hexEntity(family), pct(given + " " + family),
		insert(given, 2, "\u200b"), insert(family, 1, "\u2060"), insert(given, 2, "\u0301"),
		insert(given, 1, "\x00"), insert(family, 2, "\u00ad"), fullWidth(given),
		given + family + "79", strings.ToLower(given) + "1979", given + "_" + family, strings.ToLower(family + "." + given),
		group(nhs, "\u00a0"), group(nhs, "\u2009"), group(nhs, "/"), group(nhs, " / "), fullWidth(group(nhs, " ")),
		group(nhs, "\u200b"), pct(nhs),
		phoneSep("\u00a0"), phoneSep("\u2009"), ph[:5] + "/" + ph[5:8] + "/" + ph[8:], fullWidth(phoneSep(" ")),
		"+44\u00a0" + ph[1:],
		insert(email, at, "\u200b"), email[:at] + "&#64;" + email[at+1:], email[:at] + " (at) " + strings.ReplaceAll(email[at+1:], ".", " dot "),
		strings.Join(pc, "\u00a0"), strings.Join(pc, "\u2009"), fullWidth(strings.Join(pc, " ")),
	}
}

func TestMangledIdentifiersExtract(t *testing.T) {
	snap := synthSnapshot(t, "--patients", "6", "--seed", "11")
	type patient struct {
		ID       string `json:"patient_id"`
		NHS      string `json:"nhs_number"`
		Given    string `json:"given_name"`
		Family   string `json:"family_name"`
		Email    string `json:"email"`
		Phone    string `json:"phone"`
		Postcode string `json:"postcode"`
		OptOut   bool   `json:"research_opt_out"`
	}
	optedOut := map[string]bool{}
	eachJSON(t, filepath.Join(snap, "opt_outs.jsonl"), func(b []byte) {
		var o struct {
			NHS string `json:"nhs_number"`
		}
		_ = json.Unmarshal(b, &o)
		optedOut[digitsOnly(o.NHS)] = true
	})
	var p *patient
	eachJSON(t, filepath.Join(snap, "patients.jsonl"), func(b []byte) {
		var q patient
		if json.Unmarshal(b, &q) != nil || p != nil || q.OptOut || optedOut[q.NHS] || len(q.Given) < 4 || len(q.Family) < 4 ||
			len(digitsOnly(q.Phone)) != 11 || len(strings.Fields(q.Postcode)) != 2 || !strings.Contains(q.Email, "@") {
			return
		}
		p = &q
	})
	if p == nil {
		t.Fatal("no usable patient in the synthetic snapshot")
	}
	// One message and one transcript turn per shape, copied from the
	// patient's own records so that only the text differs.
	var msg, turn map[string]any
	sessions := map[string]bool{}
	eachJSON(t, filepath.Join(snap, "sessions.jsonl"), func(b []byte) {
		var s struct{ SessionID, PatientID string }
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		s.SessionID, _ = m["session_id"].(string)
		s.PatientID, _ = m["patient_id"].(string)
		if s.PatientID == p.ID {
			sessions[s.SessionID] = true
		}
	})
	eachJSON(t, filepath.Join(snap, "messages.jsonl"), func(b []byte) {
		var m map[string]any
		if json.Unmarshal(b, &m) == nil && msg == nil && m["patient_id"] == p.ID {
			msg = m
		}
	})
	eachJSON(t, filepath.Join(snap, "transcripts.jsonl"), func(b []byte) {
		var m map[string]any
		if json.Unmarshal(b, &m) == nil && turn == nil && sessions[fmt.Sprint(m["session_id"])] {
			turn = m
		}
	})
	if msg == nil || turn == nil {
		t.Fatal("the chosen patient has no message or transcript to copy")
	}
	shapes := mangledShapes(p.Given, p.Family, p.NHS, p.Phone, p.Email, p.Postcode)
	var msgs, turns strings.Builder
	for i, s := range shapes {
		text := plantedMark + " " + s + " ok"
		msg["message_id"], msg["text"] = fmt.Sprintf("MX%07d", i), text
		turn["turn"], turn["text"] = 9000+i, text
		for _, w := range []struct {
			b *strings.Builder
			m map[string]any
		}{{&msgs, msg}, {&turns, turn}} {
			line, err := json.Marshal(w.m)
			if err != nil {
				t.Fatal(err)
			}
			w.b.Write(line)
			w.b.WriteByte('\n')
		}
	}
	appendFile(t, filepath.Join(snap, "messages.jsonl"), msgs.String())
	appendFile(t, filepath.Join(snap, "transcripts.jsonl"), turns.String())
	// A session has one note: the patient's first note is replaced by one
	// holding every shape, a line each.
	var notes strings.Builder
	noted := false
	eachJSON(t, filepath.Join(snap, "notes.jsonl"), func(b []byte) {
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if !noted && sessions[fmt.Sprint(m["session_id"])] {
			noted = true
			var lines []string
			for _, s := range shapes {
				lines = append(lines, plantedMark+" "+s+" ok")
			}
			m["text"] = strings.Join(lines, "\n")
			line, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			b = line
		}
		notes.Write(b)
		notes.WriteByte('\n')
	})
	if !noted {
		t.Fatal("the chosen patient has no note to replace")
	}
	if err := os.WriteFile(filepath.Join(snap, "notes.jsonl"), []byte(notes.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "out")
	mustDeid(t, hKeys(), extractArgs(snap, out)...)
	key, err := handover.ParseKey("", []byte(hOutputKey))
	if err != nil {
		t.Fatal(err)
	}
	texts := outputTexts(t, filepath.Join(out, hID), key)
	if len(texts) != 2*len(shapes)+1 {
		t.Fatalf("%d planted texts in the extract, want %d (a planted record was dropped)", len(texts), 2*len(shapes)+1)
	}
	nsn := digitsOnly(p.Phone)[1:]
	pcCompact := strings.ToLower(textnorm.Compact(p.Postcode))
	names := []string{strings.ToLower(p.Given), strings.ToLower(p.Family)}
	for _, txt := range texts {
		view := strings.ToLower(textnorm.String(txt))
		compact := strings.ToLower(textnorm.Compact(view))
		var leaked []string
		for _, s := range shapes {
			if strings.Contains(txt, s) {
				leaked = append(leaked, "shape")
			}
		}
		if strings.Contains(compact, p.NHS) {
			leaked = append(leaked, "nhs number")
		}
		if strings.Contains(compact, nsn) {
			leaked = append(leaked, "phone")
		}
		if strings.Contains(compact, pcCompact) {
			leaked = append(leaked, "postcode")
		}
		if strings.Contains(view, strings.ToLower(p.Email[:strings.IndexByte(p.Email, '@')])) {
			leaked = append(leaked, "email")
		}
		for _, n := range names {
			if strings.Contains(foldMarks(view), n) {
				leaked = append(leaked, "name")
			}
		}
		if len(leaked) > 0 {
			// The text is the patient's synthetic identifier: printing it
			// is what a failing test needs.
			t.Errorf("%v leaked in %q", leaked, txt)
		}
	}
}

// foldMarks drops combining marks and maps the accented letters NFKC
// composes back to their base letter, so "Dáwn" reads as "Dawn".
func foldMarks(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 0x300 && r <= 0x36f:
		case r >= 0xc0 && r < 0x250:
			b.WriteString(strings.ToLower(baseLetter(r)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func baseLetter(r rune) string {
	const from, to = "àáâãäåèéêëìíîïòóôõöùúûüýÿñçńẃśźćĺŕ", "aaaaaaeeeeiiiiooooouuuuyyncnwszclr"
	for i, f := range []rune(from) {
		if f == r {
			return string(to[i])
		}
	}
	return string(r)
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// outputTexts decrypts every Parquet file of the extract and returns the
// planted texts of its text columns.
func outputTexts(t *testing.T, dir string, key handover.Key) []string {
	t.Helper()
	var texts []string
	tmp := t.TempDir()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".parquet") {
			return err
		}
		n++
		plain := filepath.Join(tmp, fmt.Sprintf("%d.parquet", n))
		if err := handover.DecryptParquetFile(context.Background(), p, plain, key); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		f, err := os.Open(plain)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		col := -1
		for i, c := range pf.Schema().Columns() {
			if len(c) == 1 && c[0] == "text" {
				col = i
			}
		}
		if col < 0 {
			return nil
		}
		buf := make([]parquet.Row, 64)
		for _, rg := range pf.RowGroups() {
			rows := rg.Rows()
			for {
				k, err := rows.ReadRows(buf)
				for _, row := range buf[:k] {
					row.Range(func(ci int, vals []parquet.Value) bool {
						if ci == col {
							for _, v := range vals {
								if s := v.String(); strings.HasPrefix(s, plantedMark) {
									texts = append(texts, s)
								}
							}
						}
						return true
					})
				}
				if err != nil {
					break
				}
			}
			rows.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return texts
}
