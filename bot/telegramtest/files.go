package telegramtest

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Files: documents users send the bot (SendDocument), which the bot finds
// with getFile and downloads from /file/bot<token>/<file_path>, and the
// documents the bot sends (sendDocument, a multipart upload).

// MaxDownload is the largest file getFile serves (Telegram's limit for
// bots, 20 MB).
const MaxDownload = 20 << 20

type storedFile struct {
	id, path string
	doc      Document
}

type wireDocument struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

// SendDocument queues a message from the user carrying a file (a
// document), with an optional caption; the bot can download it.
func (s *Server) SendDocument(chat Chat, from User, doc Document, caption string) Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.userActsLocked(chat, from)
	cs.lastMsgID++
	s.lastFile++
	f := &storedFile{id: fmt.Sprintf("doc-%d-%d", chat.ID, s.lastFile), path: fmt.Sprintf("documents/file_%d", s.lastFile), doc: doc}
	if i := strings.LastIndex(doc.FileName, "."); i >= 0 {
		f.path += doc.FileName[i:]
	}
	s.files[f.id] = f
	return s.enqueueLocked("message", chat.ID, cs.lastMsgID, "", wireMessage{
		MessageID: cs.lastMsgID, From: &from, Date: s.now().Unix(), Chat: cs.chat, Caption: caption,
		Document: &wireDocument{FileID: f.id, FileUniqueID: f.id, FileName: doc.FileName, MimeType: doc.MimeType, FileSize: len(doc.Data)},
	})
}

func (s *Server) getFile(_ *http.Request, p params) (any, *APIError) {
	s.mu.Lock()
	f, ok := s.files[p["file_id"]]
	s.mu.Unlock()
	if !ok {
		return nil, errp(BadRequest("invalid file_id"))
	}
	if len(f.doc.Data) > MaxDownload {
		return nil, errp(BadRequest("file is too big"))
	}
	return map[string]any{"file_id": f.id, "file_unique_id": f.id, "file_size": len(f.doc.Data), "file_path": f.path}, nil
}

// serveFile answers a download: rest is "<token>/<file_path>".
func (s *Server) serveFile(w http.ResponseWriter, _ *http.Request, rest string) {
	token, path, _ := strings.Cut(rest, "/")
	if token != s.token {
		http.Error(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	var data []byte
	found := false
	for _, f := range s.files {
		if f.path == path {
			data, found = f.doc.Data, true
		}
	}
	s.callCount["download"]++
	s.mu.Unlock()
	if !found {
		http.Error(w, `{"ok":false,"error_code":404,"description":"Not Found"}`, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data) // a client that went away needs no answer
}

func (s *Server) sendDocument(r *http.Request, p params) (any, *APIError) {
	var doc Document
	switch {
	case r.MultipartForm != nil && len(r.MultipartForm.File["document"]) > 0:
		fh := r.MultipartForm.File["document"][0]
		f, err := fh.Open()
		if err != nil {
			return nil, errp(BadRequest("can't read the file"))
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return nil, errp(BadRequest("can't read the file"))
		}
		doc = Document{FileName: fh.Filename, MimeType: fh.Header.Get("Content-Type"), Data: data}
	case p["document"] != "":
		s.mu.Lock()
		sf, ok := s.files[p["document"]]
		s.mu.Unlock()
		if !ok {
			return nil, errp(BadRequest("wrong file identifier/HTTP URL specified"))
		}
		doc = sf.doc
	default:
		return nil, errp(BadRequest("there is no document in the request"))
	}
	if len(doc.Data) == 0 {
		return nil, errp(BadRequest("file must be non-empty"))
	}
	plain := p["caption"]
	if plain != "" {
		if strings.EqualFold(p["parse_mode"], "html") {
			var err error
			if plain, err = ParseHTML(p["caption"]); err != nil {
				return nil, errp(BadRequest(err.Error()))
			}
		}
		if utf8.RuneCountInString(plain) > 1024 {
			return nil, errp(BadRequest("message caption is too long"))
		}
	}
	s.mu.Lock()
	cs, aerr := s.chatLocked(p)
	if aerr == nil {
		aerr = cs.writable()
	}
	now := s.now()
	if aerr == nil {
		aerr = s.limitLocked(cs, now, false)
	}
	if aerr != nil {
		s.mu.Unlock()
		return nil, aerr
	}
	cs.lastMsgID++
	m := &Message{ID: cs.lastMsgID, ChatID: cs.chat.ID, Text: p["caption"], PlainText: plain, ParseMode: p["parse_mode"],
		Date: now, ThreadID: p.int("message_thread_id"), Document: &doc}
	return s.keepSentLocked(cs, m, now), nil
}
