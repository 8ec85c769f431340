package views

import (
	"strconv"
	"strings"
	"time"

	"transito/models/fines"
	"transito/models/rules"
)

// Field is one input of a form: the name it is submitted under (a
// rules.Field* constant), what it holds and its error.
type Field struct {
	Name  string
	Value string
	Error string
	// Checkbox marks a checkbox, which submits a hidden "0" and, when
	// checked, "1": the last value submitted wins.
	Checkbox bool
}

// Form is what every form carries besides its fields: where it posts, the
// CSRF token, and a message for the whole form.
type Form struct {
	Action  string
	CSRF    string
	Message string
}

// Common is the form's common part; every form embeds a Form.
func (f *Form) Common() *Form { return f }

// A Submission is a form as the handlers fill it from a request and show it
// again with its errors: its common part and its fields.
type Submission interface {
	Common() *Form
	Fields() []*Field
}

// Invalid reports whether a form was refused: one of its fields has an
// error, or the form a message.
func Invalid(f Submission) bool {
	if f.Common().Message != "" {
		return true
	}
	for _, fl := range f.Fields() {
		if fl.Error != "" {
			return true
		}
	}
	return false
}

// SetErrors puts each error on the field it names; an error no field of the
// form shows becomes the form's message.
func SetErrors(f Submission, fe rules.FieldErrors) {
	for name, msg := range fe {
		if fl := fieldNamed(f, name); fl != nil {
			fl.Error = msg
			continue
		}
		c := f.Common()
		if c.Message != "" {
			c.Message += " "
		}
		c.Message += name + ": " + msg
	}
}

func fieldNamed(f Submission, name string) *Field {
	for _, fl := range f.Fields() {
		if fl.Name == name {
			return fl
		}
	}
	return nil
}

// PersonForm creates or edits a person.
type PersonForm struct {
	Form
	Name, Email, Document Field
}

// NewPersonForm is an empty person form that posts to action.
func NewPersonForm(action, csrf string) PersonForm {
	return PersonForm{Form: Form{Action: action, CSRF: csrf},
		Name: Field{Name: rules.FieldName}, Email: Field{Name: rules.FieldEmail}, Document: Field{Name: rules.FieldDocument}}
}

// Fields are the form's inputs.
func (f *PersonForm) Fields() []*Field { return []*Field{&f.Name, &f.Email, &f.Document} }

// Input is the submitted person.
func (f *PersonForm) Input() rules.PersonInput {
	return rules.PersonInput{Name: f.Name.Value, Email: f.Email.Value, Document: f.Document.Value}
}

// VehicleForm creates or edits a vehicle; OwnerQuery is the owner search.
type VehicleForm struct {
	Form
	Plate, Brand, Color, Owner, OwnerQuery Field
}

// NewVehicleForm is an empty vehicle form that posts to action.
func NewVehicleForm(action, csrf string) VehicleForm {
	return VehicleForm{Form: Form{Action: action, CSRF: csrf},
		Plate: Field{Name: rules.FieldPlate}, Brand: Field{Name: rules.FieldBrand}, Color: Field{Name: rules.FieldColor},
		Owner: Field{Name: rules.FieldOwner}, OwnerQuery: Field{Name: "persona_q"}}
}

// Fields are the form's inputs.
func (f *VehicleForm) Fields() []*Field {
	return []*Field{&f.Plate, &f.Brand, &f.Color, &f.Owner, &f.OwnerQuery}
}

// OwnerID is the chosen owner's id, 0 when none is.
func (f *VehicleForm) OwnerID() int64 {
	id, err := strconv.ParseInt(f.Owner.Value, 10, 64)
	if err != nil || id < 0 {
		return 0
	}
	return id
}

// Input is the submitted vehicle.
func (f *VehicleForm) Input() rules.VehicleInput {
	return rules.VehicleInput{Plate: f.Plate.Value, Brand: f.Brand.Value, Color: f.Color.Value, PersonID: f.OwnerID()}
}

// OfficerForm creates or edits an officer.
type OfficerForm struct {
	Form
	Name, Badge, Active Field
}

// NewOfficerForm is an empty officer form that posts to action.
func NewOfficerForm(action, csrf string) OfficerForm {
	return OfficerForm{Form: Form{Action: action, CSRF: csrf},
		Name: Field{Name: rules.FieldName}, Badge: Field{Name: rules.FieldBadge},
		Active: Field{Name: rules.FieldActive, Checkbox: true}}
}

// Fields are the form's inputs.
func (f *OfficerForm) Fields() []*Field { return []*Field{&f.Name, &f.Badge, &f.Active} }

// Input is the submitted officer.
func (f *OfficerForm) Input() rules.OfficerInput {
	return rules.OfficerInput{Name: f.Name.Value, Badge: f.Badge.Value, Active: f.Active.Value == "1"}
}

// InfractionForm registers an infraction by hand; Timestamp is a local date
// and time, which the handler reads in the configured zone.
type InfractionForm struct {
	Form
	Plate, Officer, Timestamp, Comments Field
	// Zone names the time zone the date and time are read in (ZoneName).
	Zone string
}

// NewInfractionForm is an empty infraction form that posts to action.
func NewInfractionForm(action, csrf string) InfractionForm {
	return InfractionForm{Form: Form{Action: action, CSRF: csrf},
		Plate: Field{Name: rules.FieldPlate}, Officer: Field{Name: rules.FieldOfficer},
		Timestamp: Field{Name: rules.FieldTimestamp}, Comments: Field{Name: rules.FieldComments}}
}

// Fields are the form's inputs.
func (f *InfractionForm) Fields() []*Field {
	return []*Field{&f.Plate, &f.Officer, &f.Timestamp, &f.Comments}
}

// Input is the submitted infraction, its time read in loc and checked
// against now. A time that cannot be read is a FieldErrors with every other
// field's error too.
func (f *InfractionForm) Input(loc *time.Location, now time.Time) (rules.InfractionInput, error) {
	// The officer's number is a look-up, like a search box: cleaned the same way.
	in := rules.InfractionInput{Plate: f.Plate.Value, Badge: rules.SearchText(f.Officer.Value), Comments: f.Comments.Value}
	if f.Timestamp.Value == "" {
		return in, nil
	}
	t, err := rules.ParseTimestamp(f.Timestamp.Value, loc, now)
	if err != nil {
		fe := in.Clean()
		fe[rules.FieldTimestamp] = err.Error()
		return in, fe
	}
	in.OccurredAt = t
	return in, nil
}

// VoidForm annuls an infraction: the internal reason and the one the
// citizen reads.
type VoidForm struct {
	Form
	Reason, PublicReason Field
}

// NewVoidForm is an empty annul form that posts to action.
func NewVoidForm(action, csrf string) VoidForm {
	return VoidForm{Form: Form{Action: action, CSRF: csrf}, Reason: Field{Name: rules.FieldVoidReason},
		PublicReason: Field{Name: rules.FieldVoidPublicReason}}
}

// Fields are the form's inputs.
func (f *VoidForm) Fields() []*Field { return []*Field{&f.Reason, &f.PublicReason} }

// Input is the annulment the form asks for.
func (f *VoidForm) Input() rules.VoidInput {
	return rules.VoidInput{Reason: f.Reason.Value, PublicReason: f.PublicReason.Value}
}

// AdminForm creates an administrator.
type AdminForm struct {
	Form
	Username, Password, Role Field
}

// NewAdminForm is an empty administrator form that posts to action; the
// role it proposes is operador.
func NewAdminForm(action, csrf string) AdminForm {
	return AdminForm{Form: Form{Action: action, CSRF: csrf},
		Username: Field{Name: rules.FieldUsername}, Password: Field{Name: rules.FieldPassword},
		Role: Field{Name: rules.FieldRole, Value: string(rules.RoleOperador)}}
}

// Fields are the form's inputs.
func (f *AdminForm) Fields() []*Field { return []*Field{&f.Username, &f.Password, &f.Role} }

// Input is the submitted administrator.
func (f *AdminForm) Input() rules.AdminInput {
	return rules.AdminInput{Username: f.Username.Value, Password: f.Password.Value, Role: rules.Role(f.Role.Value)}
}

// AdminChangeForm changes another account's role and whether it is active.
type AdminChangeForm struct {
	Form
	Role, Active Field
}

// NewAdminChangeForm is the form of an account's role and state, filled in
// with what they are now, posting to action.
func NewAdminChangeForm(action, csrf string, role rules.Role, active bool) AdminChangeForm {
	f := AdminChangeForm{Form: Form{Action: action, CSRF: csrf},
		Role: Field{Name: rules.FieldRole, Value: string(role)}, Active: Field{Name: rules.FieldActive, Value: "0"}}
	if active {
		f.Active.Value = "1"
	}
	return f
}

// Fields are the form's inputs.
func (f *AdminChangeForm) Fields() []*Field { return []*Field{&f.Role, &f.Active} }

// Input is the submitted change.
func (f *AdminChangeForm) Input() rules.AdminChange {
	return rules.AdminChange{Role: rules.Role(f.Role.Value), Active: f.Active.Value}
}

// ResetPasswordForm sets another account's password (an administrador's
// reset: the current one is not asked).
type ResetPasswordForm struct {
	Form
	Password Field
}

// NewResetPasswordForm is an empty reset form that posts to action.
func NewResetPasswordForm(action, csrf string) ResetPasswordForm {
	return ResetPasswordForm{Form: Form{Action: action, CSRF: csrf}, Password: Field{Name: rules.FieldPassword}}
}

// Fields are the form's inputs.
func (f *ResetPasswordForm) Fields() []*Field { return []*Field{&f.Password} }

// PasswordForm changes one's own password.
type PasswordForm struct {
	Form
	Current, Password Field
}

// NewPasswordForm is an empty password form that posts to action.
func NewPasswordForm(action, csrf string) PasswordForm {
	return PasswordForm{Form: Form{Action: action, CSRF: csrf},
		Current: Field{Name: rules.FieldCurrentPassword}, Password: Field{Name: rules.FieldPassword}}
}

// Fields are the form's inputs.
func (f *PasswordForm) Fields() []*Field { return []*Field{&f.Current, &f.Password} }

// ResolveForm decides a descargo.
type ResolveForm struct {
	Form
	Decision, Resolution Field
}

// NewResolveForm is an empty decision form that posts to action.
func NewResolveForm(action, csrf string) ResolveForm {
	return ResolveForm{Form: Form{Action: action, CSRF: csrf},
		Decision: Field{Name: rules.FieldDecision}, Resolution: Field{Name: rules.FieldResolution}}
}

// Fields are the form's inputs.
func (f *ResolveForm) Fields() []*Field { return []*Field{&f.Decision, &f.Resolution} }

// Input is the submitted decision.
func (f *ResolveForm) Input() rules.ResolutionInput {
	return rules.ResolutionInput{Decision: f.Decision.Value, Resolution: f.Resolution.Value}
}

// ClassifyForm sets the type of an infraction sin tipificar.
type ClassifyForm struct {
	Form
	Code Field
}

// NewClassifyForm is an empty classify form that posts to action.
func NewClassifyForm(action, csrf string) ClassifyForm {
	return ClassifyForm{Form: Form{Action: action, CSRF: csrf}, Code: Field{Name: rules.FieldCode}}
}

// Fields are the form's inputs.
func (f *ClassifyForm) Fields() []*Field { return []*Field{&f.Code} }

// PaymentForm records the payment of a fine; PaidAt is a local date and
// time read in the configured zone (now when left empty).
type PaymentForm struct {
	Form
	Amount, Method, Reference, PaidAt Field
	// Zone names the time zone the date and time are read in (ZoneName).
	Zone string
}

// NewPaymentForm is an empty payment form that posts to action, proposing
// cash.
func NewPaymentForm(action, csrf string) PaymentForm {
	return PaymentForm{Form: Form{Action: action, CSRF: csrf},
		Amount: Field{Name: rules.FieldAmount}, Method: Field{Name: rules.FieldMethod, Value: rules.PaymentMethods[0]},
		Reference: Field{Name: rules.FieldReference}, PaidAt: Field{Name: rules.FieldPaidAt}}
}

// Fields are the form's inputs.
func (f *PaymentForm) Fields() []*Field {
	return []*Field{&f.Amount, &f.Method, &f.Reference, &f.PaidAt}
}

// Input is the submitted payment of infraction id, its time read in loc
// and checked against now. An amount or a time that cannot be read is a
// FieldErrors with every other field's error too.
func (f *PaymentForm) Input(id int64, loc *time.Location, now time.Time) (rules.PaymentInput, error) {
	in := rules.PaymentInput{InfractionID: id, Method: f.Method.Value, Reference: f.Reference.Value, PaidAt: now}
	fe := rules.FieldErrors{}
	if f.Amount.Value != "" {
		cents, err := fines.ParseAmount(f.Amount.Value)
		if err != nil {
			fe[rules.FieldAmount] = err.Error()
		}
		in.AmountCents = cents
	}
	if strings.TrimSpace(f.PaidAt.Value) != "" {
		t, err := rules.ParseTimestamp(f.PaidAt.Value, loc, now)
		if err != nil {
			fe[rules.FieldPaidAt] = err.Error()
		}
		in.PaidAt = t
	}
	if len(fe) == 0 {
		return in, nil
	}
	check := in
	for k, v := range check.Clean(now) {
		if _, ok := fe[k]; !ok {
			fe[k] = v
		}
	}
	return in, fe
}

// InfractionTypeForm creates or edits a type of the legal catalogue.
type InfractionTypeForm struct {
	Form
	Code, Description, LegalRef, Severity, Units, Points, Active Field
}

// NewInfractionTypeForm is an empty catalogue form that posts to action.
func NewInfractionTypeForm(action, csrf string) InfractionTypeForm {
	return InfractionTypeForm{Form: Form{Action: action, CSRF: csrf},
		Code: Field{Name: rules.FieldCode}, Description: Field{Name: rules.FieldDescription}, LegalRef: Field{Name: rules.FieldLegalRef},
		Severity: Field{Name: rules.FieldSeverity}, Units: Field{Name: rules.FieldUnits}, Points: Field{Name: rules.FieldPoints, Value: "0"},
		Active: Field{Name: rules.FieldActive, Checkbox: true, Value: "1"}}
}

// Fields are the form's inputs.
func (f *InfractionTypeForm) Fields() []*Field {
	return []*Field{&f.Code, &f.Description, &f.LegalRef, &f.Severity, &f.Units, &f.Points, &f.Active}
}

// Input is the submitted type. Units or points that are not whole numbers
// are a FieldErrors with every other field's error too.
func (f *InfractionTypeForm) Input() (rules.InfractionTypeInput, error) {
	in := rules.InfractionTypeInput{Code: f.Code.Value, Description: f.Description.Value, LegalRef: f.LegalRef.Value,
		Severity: f.Severity.Value, Active: f.Active.Value == "1"}
	fe := rules.FieldErrors{}
	for _, n := range []struct {
		f   *Field
		dst *int
	}{{&f.Units, &in.Units}, {&f.Points, &in.Points}} {
		v, err := strconv.Atoi(strings.TrimSpace(n.f.Value))
		if err != nil && strings.TrimSpace(n.f.Value) != "" {
			fe[n.f.Name] = "debe ser un número entero"
		}
		*n.dst = v
	}
	if len(fe) == 0 {
		return in, nil
	}
	check := in
	for k, v := range check.Clean() {
		if _, ok := fe[k]; !ok {
			fe[k] = v
		}
	}
	return in, fe
}

// UnitValueForm sets the value of one fixed unit from a date on.
type UnitValueForm struct {
	Form
	From, Value Field
}

// NewUnitValueForm is an empty unit value form that posts to action.
func NewUnitValueForm(action, csrf string) UnitValueForm {
	return UnitValueForm{Form: Form{Action: action, CSRF: csrf}, From: Field{Name: rules.FieldFrom}, Value: Field{Name: rules.FieldValue}}
}

// Fields are the form's inputs.
func (f *UnitValueForm) Fields() []*Field { return []*Field{&f.From, &f.Value} }

// Input is the submitted unit value; a date or an amount that cannot be
// read is a FieldErrors with both fields' errors.
func (f *UnitValueForm) Input() (rules.UnitValueInput, error) {
	var in rules.UnitValueInput
	fe := rules.FieldErrors{}
	if strings.TrimSpace(f.From.Value) != "" {
		d, err := fines.ParseDate(f.From.Value)
		if err != nil {
			fe[rules.FieldFrom] = err.Error()
		}
		in.From = d
	}
	if strings.TrimSpace(f.Value.Value) != "" {
		c, err := fines.ParseAmount(f.Value.Value)
		if err != nil {
			fe[rules.FieldValue] = err.Error()
		}
		in.Cents = c
	}
	check := in
	for k, v := range check.Clean() {
		if _, ok := fe[k]; !ok {
			fe[k] = v
		}
	}
	return in, fe.Err()
}

// SettingsForm edits the settings of "Tarifas y plazos", one field per
// setting named as fines.Settings.Values names it.
type SettingsForm struct {
	Form
	Settings []Field
}

// NewSettingsForm is the settings form filled with values, posting to
// action.
func NewSettingsForm(action, csrf string, values map[string]string) SettingsForm {
	f := SettingsForm{Form: Form{Action: action, CSRF: csrf}}
	for _, name := range SettingNames {
		f.Settings = append(f.Settings, Field{Name: name, Value: values[name], Checkbox: name == fines.SettingDisputeEndsDiscount})
	}
	return f
}

// Fields are the form's inputs.
func (f *SettingsForm) Fields() []*Field {
	fs := make([]*Field, len(f.Settings))
	for i := range f.Settings {
		fs[i] = &f.Settings[i]
	}
	return fs
}

// Values are the submitted settings by name.
func (f *SettingsForm) Values() map[string]string {
	m := map[string]string{}
	for _, fl := range f.Settings {
		m[fl.Name] = fl.Value
	}
	return m
}
