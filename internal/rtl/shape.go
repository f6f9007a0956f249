package rtl

// joining is the Arabic joining type of a letter (Unicode ArabicShaping.txt).
type joining uint8

const (
	joinNone        joining = iota // U: does not join
	joinRight                      // R: joins the preceding letter only
	joinDual                       // D: joins both sides
	joinCausing                    // C: tatweel, makes its neighbours join
	joinTransparent                // T: marks, skipped when looking for neighbours
)

// forms lists a letter's presentation forms: isolated, final, initial, medial.
// Right-joining letters have no initial or medial form (zero).
type forms [4]rune

const (
	isolated = iota
	final
	initial
	medial
)

// letters maps each Arabic letter we shape to its presentation forms.
var letters = map[rune]forms{
	0x0621: {0xFE80, 0, 0, 0},
	0x0622: {0xFE81, 0xFE82, 0, 0},
	0x0623: {0xFE83, 0xFE84, 0, 0},
	0x0624: {0xFE85, 0xFE86, 0, 0},
	0x0625: {0xFE87, 0xFE88, 0, 0},
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C},
	0x0627: {0xFE8D, 0xFE8E, 0, 0},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92},
	0x0629: {0xFE93, 0xFE94, 0, 0},
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C},
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	0x062F: {0xFEA9, 0xFEAA, 0, 0},
	0x0630: {0xFEAB, 0xFEAC, 0, 0},
	0x0631: {0xFEAD, 0xFEAE, 0, 0},
	0x0632: {0xFEAF, 0xFEB0, 0, 0},
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8},
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4},
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4},
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC},
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
	0x0648: {0xFEED, 0xFEEE, 0, 0},
	0x0649: {0xFEEF, 0xFEF0, 0xFBE8, 0xFBE9},
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
	// Letters used in Moroccan names and loanwords (Presentation Forms-A).
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59}, // peh
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D}, // tcheh
	0x06A4: {0xFB6A, 0xFB6B, 0xFB6C, 0xFB6D}, // veh
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91}, // keheh
	0x06AD: {0xFBD3, 0xFBD4, 0xFBD5, 0xFBD6}, // ng
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95}, // gaf
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF}, // farsi yeh
}

// lamAlef maps an alef variant to the lam-alef ligature (isolated, final).
var lamAlef = map[rune][2]rune{
	0x0622: {0xFEF5, 0xFEF6},
	0x0623: {0xFEF7, 0xFEF8},
	0x0625: {0xFEF9, 0xFEFA},
	0x0627: {0xFEFB, 0xFEFC},
}

const lam = 0x0644

func joiningOf(r rune) joining {
	if f, ok := letters[r]; ok {
		if f[initial] == 0 {
			if f[final] == 0 {
				return joinNone
			}
			return joinRight
		}
		return joinDual
	}
	switch {
	case r == 0x0640:
		return joinCausing
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r >= 0x06D6 && r <= 0x06DC,
		r >= 0x06DF && r <= 0x06E4, r == 0x06E7, r == 0x06E8, r >= 0x06EA && r <= 0x06ED,
		r == 0x200D:
		return joinTransparent
	}
	return joinNone
}

// joinsNext reports whether a letter of type j can connect to the letter after it.
func joinsNext(j joining) bool { return j == joinDual || j == joinCausing }

// joinsPrev reports whether a letter of type j can connect to the letter before it.
func joinsPrev(j joining) bool { return j == joinDual || j == joinRight || j == joinCausing }

// removed marks a position whose character was absorbed into a ligature.
const removed rune = -1

// shape returns text with Arabic letters replaced by their contextual
// presentation forms. The result has the same length as text: the alef of a
// lam-alef ligature is replaced by removed, so indices keep matching the
// logical input (the bidi levels are computed on it).
func shape(text []rune) []rune {
	out := append([]rune(nil), text...) // marks and non-Arabic keep themselves
	types := make([]joining, len(text))
	for i, r := range text {
		types[i] = joiningOf(r)
	}
	// neighbour finds the nearest non-transparent character from i in step direction.
	neighbour := func(i, step int) int {
		for j := i + step; j >= 0 && j < len(text); j += step {
			if types[j] != joinTransparent {
				return j
			}
		}
		return -1
	}
	for i := 0; i < len(text); i++ {
		r := text[i]
		f, ok := letters[r]
		if !ok {
			continue
		}
		prev := neighbour(i, -1)
		next := neighbour(i, +1)
		// A ligature already absorbed the previous alef: it does not join forward.
		joinPrev := prev >= 0 && joinsNext(types[prev]) && joinsPrev(types[i])
		if r == lam && next >= 0 {
			if lig, ok := lamAlef[text[next]]; ok {
				if joinPrev {
					out[i] = lig[1]
				} else {
					out[i] = lig[0]
				}
				out[next] = removed
				// The ligature ends like an alef: it does not join the next letter.
				types[next] = joinRight
				i = next
				continue
			}
		}
		joinNext := next >= 0 && joinsNext(types[i]) && joinsPrev(types[next])
		form := isolated
		switch {
		case joinPrev && joinNext:
			form = medial
		case joinPrev:
			form = final
		case joinNext:
			form = initial
		}
		if form == isolated || f[form] == 0 {
			// The nominal letter is the isolated form in every Arabic font
			// (and what HarfBuzz draws); not every font maps U+FExx isolated forms.
			out[i] = r
			continue
		}
		out[i] = f[form]
	}
	return out
}

// Shape returns s with its Arabic letters in contextual presentation forms,
// still in logical order.
func Shape(s string) string {
	var b []rune
	for _, r := range shape([]rune(s)) {
		if r != removed {
			b = append(b, r)
		}
	}
	return string(b)
}
