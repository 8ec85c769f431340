package rules

import (
	"strconv"
	"strings"
	"testing"
)

func TestInfractionTypeClean(t *testing.T) {
	good := func() InfractionTypeInput {
		return InfractionTypeInput{Code: " t-01.a ", Description: " Semáforo en rojo ", LegalRef: "Ley 24.449 art. 77 inc. m",
			Severity: "Gravísima", Units: 300, Points: 5, Active: true}
	}
	in := good()
	if fe := in.Clean(); len(fe) != 0 {
		t.Fatalf("good input refused: %v", fe)
	}
	if in.Code != "T-01.A" || in.Description != "Semáforo en rojo" || in.Severity != "gravisima" {
		t.Errorf("not normalised: %+v", in)
	}
	for _, tt := range []struct {
		name  string
		mut   func(*InfractionTypeInput)
		field string
		msg   string
	}{
		{"no code", func(in *InfractionTypeInput) { in.Code = " " }, FieldCode, "obligatorio"},
		{"code with space", func(in *InfractionTypeInput) { in.Code = "T 01" }, FieldCode, "de 1 a 20"},
		{"code too long", func(in *InfractionTypeInput) { in.Code = strings.Repeat("A", 21) }, FieldCode, "de 1 a 20"},
		{"code with accent", func(in *InfractionTypeInput) { in.Code = "Ñ1" }, FieldCode, "de 1 a 20"},
		{"no description", func(in *InfractionTypeInput) { in.Description = "" }, FieldDescription, "obligatorio"},
		{"description too long", func(in *InfractionTypeInput) { in.Description = strings.Repeat("x", 201) }, FieldDescription, "200"},
		{"legal ref with a newline", func(in *InfractionTypeInput) { in.LegalRef = "art.\n77" }, FieldLegalRef, "saltos"},
		{"unknown severity", func(in *InfractionTypeInput) { in.Severity = "media" }, FieldSeverity, "leve, grave o gravisima"},
		{"no units", func(in *InfractionTypeInput) { in.Units = 0 }, FieldUnits, "de 1 a 20000"},
		{"too many units", func(in *InfractionTypeInput) { in.Units = MaxUnits + 1 }, FieldUnits, "de 1 a 20000"},
		{"negative points", func(in *InfractionTypeInput) { in.Points = -1 }, FieldPoints, "de 0 a 20"},
		{"too many points", func(in *InfractionTypeInput) { in.Points = 21 }, FieldPoints, "de 0 a 20"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.mut(&in)
			fe := in.Clean()
			if len(fe) != 1 || !strings.Contains(fe[tt.field], tt.msg) {
				t.Errorf("errors %v, want only %s: …%s…", fe, tt.field, tt.msg)
			}
		})
	}
	empty := InfractionTypeInput{}
	if fe := empty.Clean(); len(fe) != 4 {
		t.Errorf("empty input: %v, want every required field at once", fe)
	}
}

func TestParseCatalog(t *testing.T) {
	const good = "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\n" +
		"SEM-01,Semáforo en rojo,Ley 24.449 art. 77 inc. m,gravisima,300,5\n" +
		"\n" +
		"est-01,\"Estacionar en lugar prohibido, con señal\",art. 49,Leve,50,0\n"
	recs, errs := ParseCatalog(strings.NewReader("\xef\xbb\xbf" + good))
	if len(errs) != 0 || len(recs) != 2 {
		t.Fatalf("good file: %d records, errors %v", len(recs), errs)
	}
	if r := recs[1]; r.Line != 4 || r.Type.Code != "EST-01" || r.Type.Severity != "leve" || r.Type.Units != 50 || !r.Type.Active || r.HasActive {
		t.Errorf("second record %+v", r)
	}
	for _, tt := range []struct {
		name string
		file string
		want []string // "line:field" of every error
	}{
		{"empty", "", []string{"1:"}},
		{"header missing a column", "codigo,descripcion,gravedad,unidades,puntos\nA,b,leve,1,1\n", []string{"1:"}},
		{"only a header", "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\n", []string{"2:"}},
		{"bad rows by line", "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\n" +
			"OK-1,Bien,art. 1,leve,10,1\n" +
			"MAL 2,Sin código válido,art. 2,media,diez,1\n" +
			"OK-1,Repetido,art. 1,leve,10,30\n",
			[]string{"3:codigo", "3:gravedad", "3:unidades", "4:codigo", "4:puntos"}},
		{"bad quote", "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\nA,\"abierta,art,leve,1,1\n", []string{"2:"}},
		{"activo column", "codigo,descripcion,referencia_legal,gravedad,unidades,puntos,activo\nA,b,,leve,1,0,quizás\n", []string{"2:activo"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := ParseCatalog(strings.NewReader(tt.file))
			var got []string
			for _, e := range errs {
				got = append(got, strconv.Itoa(e.Line)+":"+e.Field)
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("errors %v, want %v", errs, tt.want)
			}
		})
	}
	recs, errs = ParseCatalog(strings.NewReader("activo,puntos,unidades,gravedad,referencia_legal,descripcion,codigo\nno,2,100,grave,art. 3,Otra,X1\n"))
	if len(errs) != 0 || len(recs) != 1 || recs[0].Type.Active || !recs[0].HasActive || recs[0].Type.Code != "X1" {
		t.Errorf("columns in another order with activo: %+v %v", recs, errs)
	}
}
