package storefront

// legalDoc is one legal page: a title and its paragraphs. The wording is
// the business's to change; these are the terms a new deployment starts
// with.
type legalDoc struct {
	title      string
	paragraphs []string
}

var legalPages = map[string]legalDoc{
	"terms": {"Terms of service", []string{
		"These terms govern the hosting services you order from us. By placing an order you accept them.",
		"Services are billed in advance for the cycle you choose and renew automatically until you cancel. A cancellation takes effect at the end of the paid period unless you ask for it to take effect at once.",
		"An invoice that stays unpaid after its due date leads to suspension of the services it covers, and, if it is still unpaid later, to their termination and the deletion of their data.",
		"We keep the services available as described on their product pages; planned maintenance is announced in advance.",
	}},
	"privacy": {"Privacy policy", []string{
		"We process the details you give us (name, address, email, tax id) to provide and bill your services, and keep invoices for as long as tax law requires.",
		"Card payments are processed by our payment providers; we never see or store your card number.",
		"You can ask for a copy of your data, or for its correction or deletion, by opening a support ticket.",
	}},
	"acceptable-use": {"Acceptable use policy", []string{
		"You may not use our services for anything illegal, for sending unsolicited bulk email, for attacks on other networks, or for hosting malware.",
		"We may suspend a service that breaks this policy or endangers our network, and will tell you why.",
	}},
}
