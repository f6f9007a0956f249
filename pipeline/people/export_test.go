package people

// What the external tests (package people_test) use of this package's
// test helpers.
var (
	PeopleCount  = peopleCount
	TestMeetings = testMeetings
)
