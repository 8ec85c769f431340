package api

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"

	"transito/models/rules"
)

// decodeMembersByDecoder is decodeMembers as it was written first, on
// json.Decoder's tokens: the reference the faster walk must agree with.
func decodeMembersByDecoder(body []byte, known []string) (fields map[string]json.RawMessage, fe rules.FieldErrors, ok bool) {
	fields, fe = map[string]json.RawMessage{}, rules.FieldErrors{}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, false
	}
	for dec.More() {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		name, _ := tok.(string)
		rawName := body[start:dec.InputOffset()]
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, false
		}
		if r := []rune(name); len(r) > 64 {
			name = string(r[:64]) + "…"
		}
		_, seen := fields[name]
		switch {
		case !slices.Contains(known, name):
			fe.Add(name, "no es un campo admitido: los campos son "+strings.Join(known, ", "))
		case seen:
			fe.Add(name, "figura más de una vez")
		case loneSurrogate(rawName) || loneSurrogate(raw):
			fe.Add(name, "contiene un escape \\u de un carácter sustituto UTF-16 suelto (no es un carácter válido)")
		}
		if !seen {
			fields[name] = raw
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, false
	}
	return fields, fe, true
}

var decodeMembersSeeds = []string{
	`{"placa_patente":"AB123CD","comentarios":"Exceso de velocidad","codigo":"VEL-10","ubicacion":{"lat":-34.6037,"lon":-58.3816,"descripcion":"Av. Corrientes 1200"}}`,
	` { "placa_patente" : "AB123CD" , "timestamp" : 1714584600 } `,
	"{\"placa_patente\":\"AB123CD\",\n\t\"comentarios\":null}\r\n",
	`{}`, `{ }`, `[]`, `"x"`, `1`, `null`, ``, `{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1}{}`, `{"a":1} x`,
	`{"a":[1,{"b":"}"}],"c":"\"]","d":true,"e":false,"f":null,"g":-1.5e+3}`,
	`{"placa_patente":"AB123CD","placa_patente":"XY987ZW"}`,
	`{"comentarios":"a\ud800b"}`, `{"comentarios":"auto \ud83d\ude97"}`, `{"comentarios":"barra \\ud800"}`,
	`{"placa\u005fpatente":"AB123CD"}`, `{"\ud800":1}`, "{\"a\xffb\":1}", "{\"c\":\"a\xffb\"}",
	`{"` + strings.Repeat("ñ", 70) + `":1}`, `{"` + strings.Repeat("a", 64) + `":1}`,
	`{"ubicacion":{"lat":1,"lat":2,"x":3}}`, `{"a":"\\"}`, `{"a":"\\\""}`,
}

// The walk agrees with json.Decoder on every body: the same verdict, the
// same members with the same bytes, the same problems.
func FuzzDecodeMembersAgreesWithDecoder(f *testing.F) {
	for _, s := range decodeMembersSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		checkDecodeMembersAgree(t, []byte(body))
	})
}

func TestDecodeMembersAgreesWithDecoder(t *testing.T) {
	for _, s := range decodeMembersSeeds {
		checkDecodeMembersAgree(t, []byte(s))
	}
}

func checkDecodeMembersAgree(t *testing.T, body []byte) {
	t.Helper()
	for _, known := range [][]string{infractionMembers, placeMembers, paymentMembers} {
		got, gotFE, gotOK := decodeMembers(body, known)
		want, wantFE, wantOK := decodeMembersByDecoder(body, known)
		if gotOK != wantOK {
			t.Fatalf("%q: ok %v, the decoder says %v", body, gotOK, wantOK)
		}
		if !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
			t.Fatalf("%q: members %q, the decoder's %q", body, got, want)
		}
		if !maps.Equal(gotFE, wantFE) {
			t.Fatalf("%q: problems %q, the decoder's %q", body, gotFE, wantFE)
		}
	}
}
