// Prints one plain closing line (on stderr, after the default summary), "N passed, N failed[, N skipped]", after jest's own summary.
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
		process.stderr.write(`${line}\n`);
	}
}
module.exports = SummaryReporter;
