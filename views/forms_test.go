package views

import (
	"errors"
	"testing"
	"time"

	"transito/models/rules"
)

func TestSetErrorsPutsEachErrorOnItsField(t *testing.T) {
	f := NewPersonForm("/x", "tok")
	if Invalid(&f) {
		t.Fatal("a new form is invalid")
	}
	SetErrors(&f, rules.FieldErrors{rules.FieldEmail: "no es una dirección de correo válida", "otro": "falla"})
	if f.Email.Error == "" || f.Name.Error != "" {
		t.Errorf("errors on the wrong fields: %+v", f)
	}
	if f.Message != "otro: falla" {
		t.Errorf("an error no field shows is lost: message %q", f.Message)
	}
	if !Invalid(&f) {
		t.Error("a form with errors is not invalid")
	}
}

func TestInfractionFormAnswersEveryErrorWithABadTime(t *testing.T) {
	f := NewInfractionForm("/x", "tok")
	f.Timestamp.Value = "ayer"
	_, err := f.Input(time.UTC, time.Now())
	var fe rules.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("err %v, want FieldErrors", err)
	}
	for _, field := range []string{rules.FieldTimestamp, rules.FieldPlate, rules.FieldOfficer} {
		if fe[field] == "" {
			t.Errorf("no error for %s in %v", field, fe)
		}
	}
	if fe[rules.FieldTimestamp] != rules.ErrTimestampFormat.Error() {
		t.Errorf("timestamp error %q, want the rules' message", fe[rules.FieldTimestamp])
	}
	f.Plate.Value, f.Officer.Value, f.Timestamp.Value = "AB123CD", "B1", "2024-05-01T10:00"
	in, err := f.Input(time.UTC, time.Now())
	if err != nil || !in.OccurredAt.Equal(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("good form: %+v, %v", in, err)
	}
}
